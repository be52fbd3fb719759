package io.sluice.controller;

import static io.sluice.controller.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.metadata.PartitionImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Partition reassignments on the controller: start, completion on ISR catch-up, cancel, validation, failover. */
class ReassignmentControlTest {
    private static final long SESSION_MS = 3_000;
    private static final Uuid INC = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");
    private static final TopicPartition TP = new TopicPartition("r", 0);

    private final AtomicLong now = new AtomicLong(1_000_000);
    private InMemoryMetadataLog log;
    private QuorumController controller;

    @BeforeEach
    void setUp() throws Exception {
        log = new InMemoryMetadataLog();
        controller = newController();
        for (int broker = 1; broker <= 4; broker++) {
            get(controller.registerBroker(broker, "host" + broker, 9090 + broker, null, INC));
        }
        controller.activate(1);
        get(controller.createTopic("r", 1, (short) 2, Map.of(), false));
        // Put r-0 on {1, 2} led by 1, whatever the round-robin start was.
        Map<TopicPartition, ApiError> placed = get(controller.alterPartitionReassignments(
                Map.of(TP, Optional.of(List.of(1, 2))), true));
        assertThat(placed.get(TP).error()).isEqualTo(Errors.NONE);
        catchUp(partition().replicas());
        assertThat(partition().replicas()).containsExactly(1, 2);
        assertThat(partition().reassigning()).isFalse();
        if (partition().leader() != 1) {
            get(controller.electLeaders(org.apache.kafka.common.ElectionType.PREFERRED, java.util.Set.of(TP)));
        }
        assertThat(partition().leader()).isEqualTo(1);
    }

    private QuorumController newController() {
        return new QuorumController(log::image, log, 1, (short) 2, configs -> { }, now::get, SESSION_MS, false);
    }

    private PartitionImage partition() {
        return log.image().topic("r").partitions().get(0);
    }

    private Uuid topicId() {
        return log.image().topic("r").id();
    }

    /** What the partition leader's replication layer reports once these replicas have caught up. */
    private PartitionImage catchUp(List<Integer> isr) throws Exception {
        PartitionImage p = partition();
        return get(controller.alterPartition(new AlterPartitionRequest(p.leader(), topicId(), 0, p.leaderEpoch(),
                p.partitionEpoch(), isr)));
    }

    private ApiError reassign(List<Integer> target) throws Exception {
        return get(controller.alterPartitionReassignments(Map.of(TP, Optional.ofNullable(target)), true)).get(TP);
    }

    @Test
    void theReplicaSetIsTheUnionUntilTheNewReplicasCatchUpThenTheTargetWithALeaderFromIt() throws Exception {
        PartitionImage before = partition();

        assertThat(reassign(List.of(2, 3)).error()).isEqualTo(Errors.NONE);

        PartitionImage moving = partition();
        assertThat(moving.replicas()).containsExactly(2, 3, 1);
        assertThat(moving.addingReplicas()).containsExactly(3);
        assertThat(moving.removingReplicas()).containsExactly(1);
        assertThat(moving.isr()).containsExactly(1, 2);
        assertThat(moving.leader()).isEqualTo(1);
        assertThat(moving.leaderEpoch()).isEqualTo(before.leaderEpoch());

        // Broker 3 catches up: the leader's ISR expansion completes the reassignment in the same change.
        PartitionImage answered = catchUp(List.of(1, 2, 3));

        PartitionImage done = partition();
        assertThat(answered).isEqualTo(done);
        assertThat(done.replicas()).containsExactly(2, 3);
        assertThat(done.isr()).containsExactly(2, 3);
        assertThat(done.leader()).isEqualTo(2);
        assertThat(done.leaderEpoch()).isEqualTo(before.leaderEpoch() + 1);
        assertThat(done.reassigning()).isFalse();
    }

    @Test
    void aPartialCatchUpKeepsTheReassignmentGoing() throws Exception {
        reassign(List.of(3, 4));
        catchUp(List.of(1, 2, 3));

        assertThat(partition().replicas()).containsExactly(3, 4, 1, 2);
        assertThat(partition().addingReplicas()).containsExactly(3, 4);
        assertThat(partition().removingReplicas()).containsExactly(1, 2);
        assertThat(partition().leader()).isEqualTo(1);
    }

    @Test
    void aTargetAlreadyInTheIsrCompletesAtOnce() throws Exception {
        assertThat(reassign(List.of(2)).error()).isEqualTo(Errors.NONE);

        assertThat(partition().replicas()).containsExactly(2);
        assertThat(partition().isr()).containsExactly(2);
        assertThat(partition().leader()).isEqualTo(2);
        assertThat(partition().reassigning()).isFalse();
    }

    @Test
    void cancellingRevertsToTheOriginalReplicas() throws Exception {
        PartitionImage before = partition();
        reassign(List.of(3, 4));
        catchUp(List.of(1, 2, 3));

        assertThat(reassign(null).error()).isEqualTo(Errors.NONE);

        PartitionImage reverted = partition();
        assertThat(reverted.replicas()).containsExactly(1, 2);
        assertThat(reverted.isr()).containsExactly(1, 2);
        assertThat(reverted.leader()).isEqualTo(1);
        assertThat(reverted.reassigning()).isFalse();
        assertThat(reverted.partitionEpoch()).isEqualTo(before.partitionEpoch() + 3);
    }

    @Test
    void aNewTargetReplacesTheReassignmentInProgress() throws Exception {
        reassign(List.of(3, 4));

        assertThat(reassign(List.of(1, 3)).error()).isEqualTo(Errors.NONE);

        assertThat(partition().replicas()).containsExactly(1, 3, 2);
        assertThat(partition().addingReplicas()).containsExactly(3);
        assertThat(partition().removingReplicas()).containsExactly(2);
    }

    @Test
    void errorsFollowKafka() throws Exception {
        assertThat(reassign(null).error()).isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS);
        assertThat(reassign(List.of()).error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(reassign(List.of(2, 2)).error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        ApiError unknownBroker = reassign(List.of(2, 9));
        assertThat(unknownBroker.error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(unknownBroker.message()).contains("broker 9");

        Map<TopicPartition, Optional<List<Integer>>> mixed = new LinkedHashMap<>();
        mixed.put(new TopicPartition("r", 5), Optional.of(List.of(1)));
        mixed.put(new TopicPartition("nope", 0), Optional.empty());
        mixed.put(TP, Optional.of(List.of(1, 2, 3)));
        Map<TopicPartition, ApiError> results = get(controller.alterPartitionReassignments(mixed, false));
        assertThat(results.get(new TopicPartition("r", 5)).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(results.get(new TopicPartition("nope", 0)).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(results.get(TP).error()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        assertThat(partition().replicas()).containsExactly(1, 2);
        assertThat(partition().reassigning()).isFalse();
    }

    @Test
    void anotherControllerFinishesAReassignmentFromTheLog() throws Exception {
        reassign(List.of(2, 3));
        controller.resign();
        QuorumController successor = newController();
        successor.activate(1);

        PartitionImage p = partition();
        get(successor.alterPartition(new AlterPartitionRequest(p.leader(), topicId(), 0, p.leaderEpoch(),
                p.partitionEpoch(), List.of(1, 2, 3))));

        assertThat(partition().replicas()).containsExactly(2, 3);
        assertThat(partition().leader()).isEqualTo(2);
        assertThat(partition().reassigning()).isFalse();
    }

    @Test
    void aLeavingLeaderFencedMidwayHandsOverAndTheReassignmentStillCompletes() throws Exception {
        reassign(List.of(2, 3));
        get(controller.controlledShutdown(1));
        assertThat(partition().leader()).isEqualTo(2);
        assertThat(partition().removingReplicas()).containsExactly(1);

        catchUp(List.of(2, 3));

        assertThat(partition().replicas()).containsExactly(2, 3);
        assertThat(partition().isr()).containsExactly(2, 3);
        assertThat(partition().leader()).isEqualTo(2);
    }
}
