package io.sluice.transaction;

import io.sluice.coordinator.CoordinatorOwnership;
import java.util.Map;

/** The internal topic holding the transaction coordinator's state, and which of its partitions an id belongs to. */
public final class TransactionStateTopic {
    public static final String NAME = "__transaction_state";

    private TransactionStateTopic() {
    }

    /** Kafka's settings for the topic: compacted, unclean election off, the given segment size and min ISR. */
    static Map<String, String> configs(int segmentBytes, int minInsync) {
        return Map.of("cleanup.policy", "compact", "segment.bytes", Integer.toString(segmentBytes),
                "min.insync.replicas", Integer.toString(minInsync), "unclean.leader.election.enable", "false",
                "compression.type", "uncompressed");
    }

    /** Kafka's rule, so a transactional id has the same coordinator as on a Kafka cluster. */
    public static int partitionFor(String transactionalId, int numPartitions) {
        return CoordinatorOwnership.partitionFor(transactionalId, numPartitions);
    }
}
