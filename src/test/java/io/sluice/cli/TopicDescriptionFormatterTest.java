package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class TopicDescriptionFormatterTest {

    @Test
    void describesTopicAndPartitionsWithOffsets() {
        Node one = new Node(1, "localhost", 9092);
        Uuid id = new Uuid(1L, 2L);
        TopicDescription topic = new TopicDescription("orders", false, List.of(
                new TopicPartitionInfo(0, one, List.of(one), List.of(one)),
                new TopicPartitionInfo(1, null, List.of(one), List.of())), null, id);
        Map<TopicPartition, long[]> offsets = Map.of(new TopicPartition("orders", 0), new long[] {3, 10});

        String text = TopicDescriptionFormatter.format(topic, Map.of("retention.ms", "1000"), offsets);

        assertThat(text).isEqualTo(
                "Topic: orders\tTopicId: " + id + "\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: retention.ms=1000\n"
                + "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tLogStartOffset: 3\tLogEndOffset: 10\n"
                + "\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 1\tIsr: \tLogStartOffset: -\tLogEndOffset: -\n");
    }
}
