package io.sluice.metadata;

import org.apache.kafka.common.Uuid;

/**
 * A registered broker, the address clients should use, whether the controller fenced it (no leadership, not
 * eligible for new replicas), and the incarnation id of the process that last registered it.
 */
public record BrokerImage(int id, String host, int port, String rack, boolean fenced, Uuid incarnationId) {
    public BrokerImage(int id, String host, int port, String rack, boolean fenced) {
        this(id, host, port, rack, fenced, Uuid.ZERO_UUID);
    }

    BrokerImage withFenced(boolean nowFenced) {
        return new BrokerImage(id, host, port, rack, nowFenced, incarnationId);
    }
}
