package io.sluice.it.cluster;

import io.sluice.it.Clients;
import io.sluice.it.SluiceProcess;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/** Partition 0 of a topic as one node describes it through the Admin client: leader, replicas and ISR. */
final class PartitionView {
    private PartitionView() {
    }

    static TopicPartitionInfo describe(SluiceProcess via, String topic) {
        try (Admin admin = Clients.admin(via.bootstrap())) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions().get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ISR's node ids, sorted. */
    static List<Integer> isrIds(TopicPartitionInfo info) {
        return info.isr().stream().map(Node::id).sorted().toList();
    }

    /** The leader's node id, or -1 without a leader. */
    static int leaderId(TopicPartitionInfo info) {
        return info.leader() == null || info.leader().isEmpty() ? -1 : info.leader().id();
    }
}
