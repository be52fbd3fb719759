package io.sluice.partition;

import org.apache.kafka.common.TopicPartition;

/** Finds the replica of a partition hosted here ({@link ReplicaManager#partition}); what the request handlers use. */
@FunctionalInterface
public interface PartitionLookup {
    /** The hosted replica, or throws UNKNOWN_TOPIC_OR_PARTITION / NOT_LEADER_OR_FOLLOWER as a client should see it. */
    Partition partition(TopicPartition tp);
}
