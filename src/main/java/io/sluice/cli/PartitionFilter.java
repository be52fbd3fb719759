package io.sluice.cli;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Which partitions {@code topics --describe} shows, as kafka-topics.sh's report options choose them: all, those
 * whose ISR is smaller than their replica set (less the replicas a reassignment is removing), or those without a
 * leader or whose leader is not a live broker.
 */
record PartitionFilter(Kind kind, Set<Integer> liveBrokers, Map<TopicPartition, List<Integer>> removingReplicas) {
    enum Kind { ALL, UNDER_REPLICATED, UNAVAILABLE }

    static final PartitionFilter ALL = new PartitionFilter(Kind.ALL, Set.of(), Map.of());

    /** Without any reassignment in progress. */
    static PartitionFilter underReplicated() {
        return underReplicated(Map.of());
    }

    /** @param removingReplicas per partition with a reassignment in progress, the replicas it removes */
    static PartitionFilter underReplicated(Map<TopicPartition, List<Integer>> removingReplicas) {
        return new PartitionFilter(Kind.UNDER_REPLICATED, Set.of(), Map.copyOf(removingReplicas));
    }

    static PartitionFilter unavailable(Set<Integer> liveBrokers) {
        return new PartitionFilter(Kind.UNAVAILABLE, Set.copyOf(liveBrokers), Map.of());
    }

    /** kafka-topics prints the topic's own line only when it describes every partition. */
    boolean showsTopicLine() {
        return kind == Kind.ALL;
    }

    boolean matches(String topic, TopicPartitionInfo partition) {
        return switch (kind) {
            case ALL -> true;
            case UNDER_REPLICATED -> partition.isr().size() < targetReplicaCount(topic, partition);
            case UNAVAILABLE -> !hasLiveLeader(partition, liveBrokers);
        };
    }

    private int targetReplicaCount(String topic, TopicPartitionInfo partition) {
        List<Integer> removing = removingReplicas.getOrDefault(new TopicPartition(topic, partition.partition()),
                List.of());
        return partition.replicas().size() - removing.size();
    }

    static boolean hasLiveLeader(TopicPartitionInfo partition, Set<Integer> liveBrokers) {
        Node leader = partition.leader();
        return leader != null && !leader.isEmpty() && liveBrokers.contains(leader.id());
    }
}
