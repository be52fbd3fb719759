package io.sluice.controller;

import static io.sluice.controller.Futures.get;
import static io.sluice.controller.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.metadata.PartitionImage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CreateTopics and CreatePartitions with replicas chosen by the client. */
class ManualAssignmentControlTest {
    private static final Uuid INC = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");

    private final AtomicLong now = new AtomicLong(1_000_000);
    private InMemoryMetadataLog log;
    private QuorumController controller;

    @BeforeEach
    void setUp() throws Exception {
        log = new InMemoryMetadataLog();
        controller = new QuorumController(log::image, log, 1, (short) 1, configs -> { }, now::get, 3_000, false);
        for (int broker = 1; broker <= 4; broker++) {
            get(controller.registerBroker(broker, "host" + broker, 9090 + broker, null, INC));
        }
        controller.activate(1);
    }

    private PartitionImage partition(String topic, int index) {
        return log.image().topic(topic).partitions().get(index);
    }

    @Test
    void partitionsGetExactlyTheGivenReplicasLedByTheFirst() throws Exception {
        get(controller.createTopicWithAssignment("m", List.of(List.of(3, 1), List.of(2, 4), List.of(4, 3)),
                Map.of("retention.ms", "1000"), false));

        assertThat(log.image().topic("m").partitions()).hasSize(3);
        assertThat(partition("m", 0).replicas()).containsExactly(3, 1);
        assertThat(partition("m", 0).isr()).containsExactly(3, 1);
        assertThat(partition("m", 0).leader()).isEqualTo(3);
        assertThat(partition("m", 1).replicas()).containsExactly(2, 4);
        assertThat(partition("m", 1).leader()).isEqualTo(2);
        assertThat(partition("m", 2).replicas()).containsExactly(4, 3);
        assertThat(partition("m", 2).leader()).isEqualTo(4);
        assertThat(log.image().topic("m").configs()).containsEntry("retention.ms", "1000");
    }

    @Test
    void aFencedReplicaIsKeptOutOfTheIsrAndTheFirstLiveOneLeads() throws Exception {
        get(controller.controlledShutdown(2));

        get(controller.createTopicWithAssignment("f", List.of(List.of(2, 3, 1)), Map.of(), false));

        assertThat(partition("f", 0).replicas()).containsExactly(2, 3, 1);
        assertThat(partition("f", 0).isr()).containsExactly(3, 1);
        assertThat(partition("f", 0).leader()).isEqualTo(3);

        Throwable allFenced = failure(controller.createTopicWithAssignment("g", List.of(List.of(1), List.of(2)),
                Map.of(), false));
        assertThat(allFenced).isInstanceOf(InvalidReplicaAssignmentException.class)
                .hasMessage("All brokers specified in the manual partition assignment for partition 1 are fenced "
                        + "or in controlled shutdown.");
        assertThat(log.image().topic("g")).isNull();
    }

    @Test
    void invalidAssignmentsAreRefusedAsKafkaDoes() throws Exception {
        assertThat(failure(controller.createTopicWithAssignment("d", List.of(List.of(1, 1)), Map.of(), false)))
                .isInstanceOf(InvalidReplicaAssignmentException.class)
                .hasMessage("The manual partition assignment includes the broker 1 more than once.");
        assertThat(failure(controller.createTopicWithAssignment("u", List.of(List.of(1, 9)), Map.of(), false)))
                .isInstanceOf(InvalidReplicaAssignmentException.class)
                .hasMessage("The manual partition assignment includes broker 9, but no such broker is registered.");
        assertThat(failure(controller.createTopicWithAssignment("c", List.of(List.of(1, 2), List.of(3)),
                Map.of(), false)))
                .isInstanceOf(InvalidReplicaAssignmentException.class)
                .hasMessageContaining("includes a partition with 1 replica(s)");
        assertThat(failure(controller.createTopicWithAssignment("e", List.of(List.of()), Map.of(), false)))
                .isInstanceOf(InvalidReplicaAssignmentException.class);
        assertThat(log.image().topicsByName()).isEmpty();

        get(controller.createTopicWithAssignment("x", List.of(List.of(1)), Map.of(), false));
        assertThat(failure(controller.createTopicWithAssignment("x", List.of(List.of(2)), Map.of(), false)))
                .isInstanceOf(TopicExistsException.class);
    }

    @Test
    void validateOnlyChecksWithoutCreating() throws Exception {
        assertThat(get(controller.createTopicWithAssignment("v", List.of(List.of(1, 2)), Map.of(), true)))
                .isEqualTo(Uuid.ZERO_UUID);
        assertThat(log.image().topic("v")).isNull();
    }

    @Test
    void newPartitionsTakeTheGivenReplicasWithTheTopicsReplicationFactor() throws Exception {
        get(controller.createTopicWithAssignment("p", List.of(List.of(1, 2)), Map.of(), false));

        get(controller.createPartitionsWithAssignment("p", 3, List.of(List.of(4, 3), List.of(2, 4)), false));

        assertThat(log.image().topic("p").partitions()).hasSize(3);
        assertThat(partition("p", 1).replicas()).containsExactly(4, 3);
        assertThat(partition("p", 1).leader()).isEqualTo(4);
        assertThat(partition("p", 2).replicas()).containsExactly(2, 4);
        assertThat(partition("p", 2).isr()).containsExactly(2, 4);

        assertThat(failure(controller.createPartitionsWithAssignment("p", 4, List.of(List.of(1)), false)))
                .isInstanceOf(InvalidReplicaAssignmentException.class)
                .hasMessageContaining("which have 2 replica(s)");
        assertThat(failure(controller.createPartitionsWithAssignment("p", 5, List.of(List.of(1, 2)), false)))
                .isInstanceOf(InvalidReplicaAssignmentException.class)
                .hasMessage("Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.");
        assertThat(failure(controller.createPartitionsWithAssignment("p", 3, List.of(), false)))
                .isInstanceOf(InvalidPartitionsException.class);
        get(controller.createPartitionsWithAssignment("p", 4, List.of(List.of(1, 3)), true));
        assertThat(log.image().topic("p").partitions()).hasSize(3);
    }
}
