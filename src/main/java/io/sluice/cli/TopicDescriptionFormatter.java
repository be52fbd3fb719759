package io.sluice.cli;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/** Renders a topic in kafka-topics --describe's tab-separated layout, plus each partition's offset range. */
final class TopicDescriptionFormatter {
    private TopicDescriptionFormatter() {
    }

    /**
     * @param overrides configs set on the topic itself
     * @param offsets [log start, log end] per partition; a missing partition shows "-"
     */
    static String format(TopicDescription topic, Map<String, String> overrides, Map<TopicPartition, long[]> offsets) {
        return format(topic, overrides, offsets, PartitionFilter.ALL);
    }

    /** Only the partitions {@code filter} matches; the topic's own line only when it matches all of them. */
    static String format(TopicDescription topic, Map<String, String> overrides, Map<TopicPartition, long[]> offsets,
                         PartitionFilter filter) {
        StringBuilder sb = new StringBuilder();
        List<TopicPartitionInfo> partitions = topic.partitions();
        int replicationFactor = partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
        if (filter.showsTopicLine()) {
            sb.append("Topic: ").append(topic.name())
                    .append("\tTopicId: ").append(topic.topicId())
                    .append("\tPartitionCount: ").append(partitions.size())
                    .append("\tReplicationFactor: ").append(replicationFactor)
                    .append("\tConfigs: ").append(overrides.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")))
                    .append('\n');
        }
        for (TopicPartitionInfo p : partitions) {
            if (!filter.matches(topic.name(), p)) {
                continue;
            }
            long[] range = offsets.get(new TopicPartition(topic.name(), p.partition()));
            sb.append("\tTopic: ").append(topic.name())
                    .append("\tPartition: ").append(p.partition())
                    .append("\tLeader: ").append(p.leader() == null || p.leader().isEmpty() ? "none" : p.leader().idString())
                    .append("\tReplicas: ").append(ids(p.replicas()))
                    .append("\tIsr: ").append(ids(p.isr()))
                    .append("\tLogStartOffset: ").append(range == null ? "-" : Long.toString(range[0]))
                    .append("\tLogEndOffset: ").append(range == null ? "-" : Long.toString(range[1]))
                    .append('\n');
        }
        return sb.toString();
    }

    private static String ids(List<Node> nodes) {
        return nodes.stream().map(Node::idString).collect(Collectors.joining(","));
    }
}
