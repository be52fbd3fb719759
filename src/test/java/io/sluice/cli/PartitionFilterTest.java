package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class PartitionFilterTest {
    private static final Node ONE = new Node(1, "h1", 9091);
    private static final Node TWO = new Node(2, "h2", 9092);
    private static final Node THREE = new Node(3, "h3", 9093);
    private static final Uuid ID = new Uuid(1L, 2L);

    private static final TopicDescription TOPIC = new TopicDescription("orders", false, List.of(
            new TopicPartitionInfo(0, ONE, List.of(ONE, TWO), List.of(ONE, TWO)),
            new TopicPartitionInfo(1, TWO, List.of(TWO, THREE), List.of(TWO)),
            new TopicPartitionInfo(2, null, List.of(THREE, ONE), List.of(THREE)),
            new TopicPartitionInfo(3, THREE, List.of(THREE, ONE), List.of(THREE, ONE))), null, ID);

    private static String describe(PartitionFilter filter) {
        return TopicDescriptionFormatter.format(TOPIC, Map.of(), Map.of(), filter);
    }

    @Test
    void underReplicatedShowsOnlyPartitionsWithAShortIsrAndNoTopicLine() {
        assertThat(describe(PartitionFilter.underReplicated())).isEqualTo(
                "\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3\tIsr: 2\tLogStartOffset: -\tLogEndOffset: -\n"
                + "\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1\tIsr: 3\tLogStartOffset: -\tLogEndOffset: -\n");
    }

    @Test
    void replicasBeingRemovedByAReassignmentDoNotCountAsMissingFromTheIsr() {
        TopicDescription moving = new TopicDescription("moving", false, List.of(
                // Moving from [3] to [1, 2]: 3 is leaving, 1 and 2 have caught up.
                new TopicPartitionInfo(0, ONE, List.of(ONE, TWO, THREE), List.of(ONE, TWO)),
                // Moving from [1] to [2, 3]: 1 is leaving, neither 2 nor 3 has caught up yet.
                new TopicPartitionInfo(1, ONE, List.of(TWO, THREE, ONE), List.of(ONE)),
                // No reassignment, a follower down.
                new TopicPartitionInfo(2, ONE, List.of(ONE, TWO), List.of(ONE))), null, ID);
        PartitionFilter filter = PartitionFilter.underReplicated(Map.of(
                new TopicPartition("moving", 0), List.of(3),
                new TopicPartition("moving", 1), List.of(1),
                new TopicPartition("other", 2), List.of(2)));

        String text = TopicDescriptionFormatter.format(moving, Map.of(), Map.of(), filter);

        assertThat(text).doesNotContain("Partition: 0").contains("Partition: 1").contains("Partition: 2");
        assertThat(TopicDescriptionFormatter.format(moving, Map.of(), Map.of(), PartitionFilter.underReplicated()))
                .contains("Partition: 0");
    }

    @Test
    void unavailableShowsLeaderlessPartitionsAndThoseLedByABrokerThatIsNotLive() {
        String text = describe(PartitionFilter.unavailable(Set.of(1, 2)));

        assertThat(text).doesNotContain("Partition: 0").doesNotContain("Partition: 1")
                .contains("Partition: 2\tLeader: none").contains("Partition: 3\tLeader: 3");
        assertThat(text).doesNotContain("PartitionCount");
    }

    @Test
    void withoutAFilterEverythingShows() {
        String text = describe(PartitionFilter.ALL);

        assertThat(text).startsWith("Topic: orders\tTopicId: " + ID + "\tPartitionCount: 4");
        assertThat(text.lines()).hasSize(5);
    }
}
