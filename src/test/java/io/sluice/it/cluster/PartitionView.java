package io.sluice.it.cluster;

import io.sluice.it.Clients;
import io.sluice.it.Poll;
import io.sluice.it.SluiceProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/** Partition 0 of a topic as one node describes it through the Admin client (leader, replicas, ISR), and creating one. */
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

    /**
     * Creates a topic with one partition on every node (min.insync.replicas=1) and waits until it has a leader and
     * every replica in its ISR; returns that first view of it.
     */
    static TopicPartitionInfo createFullyReplicated(List<SluiceProcess> nodes, String topic) throws Exception {
        try (Admin admin = Clients.admin(nodes.get(0).bootstrap())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) nodes.size())
                    .configs(Map.of("min.insync.replicas", "1")))).all().get(20, TimeUnit.SECONDS);
        }
        Poll.until(Duration.ofSeconds(30), () -> leaderId(describe(nodes.get(0), topic)) > 0
                && isrIds(describe(nodes.get(0), topic)).size() == nodes.size(), "a leader and a full ISR of " + topic);
        return describe(nodes.get(0), topic);
    }
}
