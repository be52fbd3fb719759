package io.sluice.cli;

import java.util.Set;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Which partitions {@code topics --describe} shows, as kafka-topics.sh's report options choose them: all, those
 * whose ISR is smaller than their replica set, or those without a leader or whose leader is not a live broker.
 */
record PartitionFilter(Kind kind, Set<Integer> liveBrokers) {
    enum Kind { ALL, UNDER_REPLICATED, UNAVAILABLE }

    static final PartitionFilter ALL = new PartitionFilter(Kind.ALL, Set.of());

    static PartitionFilter underReplicated() {
        return new PartitionFilter(Kind.UNDER_REPLICATED, Set.of());
    }

    static PartitionFilter unavailable(Set<Integer> liveBrokers) {
        return new PartitionFilter(Kind.UNAVAILABLE, Set.copyOf(liveBrokers));
    }

    /** kafka-topics prints the topic's own line only when it describes every partition. */
    boolean showsTopicLine() {
        return kind == Kind.ALL;
    }

    boolean matches(TopicPartitionInfo partition) {
        return switch (kind) {
            case ALL -> true;
            case UNDER_REPLICATED -> partition.isr().size() < partition.replicas().size();
            case UNAVAILABLE -> !hasLiveLeader(partition, liveBrokers);
        };
    }

    static boolean hasLiveLeader(TopicPartitionInfo partition, Set<Integer> liveBrokers) {
        Node leader = partition.leader();
        return leader != null && !leader.isEmpty() && liveBrokers.contains(leader.id());
    }
}
