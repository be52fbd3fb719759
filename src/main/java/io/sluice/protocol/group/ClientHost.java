package io.sluice.protocol.group;

import io.sluice.protocol.RequestContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The client address DescribeGroups reports for a member, spelled as Kafka spells it ("/127.0.0.1"). */
public final class ClientHost {
    private ClientHost() {
    }

    public static String of(RequestContext context) {
        SocketAddress remote = context.connection() == null ? null : context.connection().remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return "/" + inet.getAddress().getHostAddress();
        }
        return remote == null ? "" : remote.toString();
    }
}
