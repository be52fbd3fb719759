package io.sluice.metadata;

import java.net.InetSocketAddress;
import java.util.Objects;

/** A metadata quorum voter: its node id and the address its Raft (gRPC) endpoint is reachable at. */
public record QuorumVoter(int nodeId, InetSocketAddress address) {
    public QuorumVoter {
        Objects.requireNonNull(address, "address");
    }

    /** Kafka's controller.quorum.voters form: {@code id@host:port}. */
    public static QuorumVoter parse(String spec) {
        int at = spec.indexOf('@');
        int colon = spec.lastIndexOf(':');
        if (at <= 0 || colon < at) {
            throw new IllegalArgumentException("Expected id@host:port, got '" + spec + "'");
        }
        return new QuorumVoter(Integer.parseInt(spec.substring(0, at).trim()),
                InetSocketAddress.createUnresolved(spec.substring(at + 1, colon).trim(),
                        Integer.parseInt(spec.substring(colon + 1).trim())));
    }
}
