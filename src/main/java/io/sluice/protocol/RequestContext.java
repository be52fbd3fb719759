package io.sluice.protocol;

import io.sluice.network.ClientConnection;
import org.apache.kafka.common.requests.RequestHeader;

/** The parts of a request that are not its body: header (API, version, client id) and connection. */
public record RequestContext(RequestHeader header, ClientConnection connection) {
    public short apiVersion() {
        return header.apiVersion();
    }
}
