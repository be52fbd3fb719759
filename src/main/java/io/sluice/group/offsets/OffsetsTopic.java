package io.sluice.group.offsets;

import io.sluice.coordinator.CoordinatorOwnership;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;


/** The internal topic holding committed offsets, and which of its partitions a group writes to. */
public final class OffsetsTopic {
    public static final String NAME = "__consumer_offsets";

    /** Kafka's settings for the topic: compacted, 100 MiB segments. */
    public static final Map<String, String> CONFIGS = Map.of(
            "cleanup.policy", "compact",
            "segment.bytes", "104857600");

    private OffsetsTopic() {
    }

    /** Kafka's rule, so a group maps to the same partition (and coordinator) as on a Kafka cluster. */
    public static int partitionFor(String groupId, int numPartitions) {
        return CoordinatorOwnership.partitionFor(groupId, numPartitions);
    }

    public static TopicPartition topicPartition(String groupId, int numPartitions) {
        return new TopicPartition(NAME, partitionFor(groupId, numPartitions));
    }
}
