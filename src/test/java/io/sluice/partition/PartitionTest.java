package io.sluice.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.controller.AlterPartitionRequest;
import io.sluice.log.EpochEndOffset;
import io.sluice.log.Log;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.metadata.PartitionImage;
import io.sluice.testing.ManualTime;
import io.sluice.util.DaemonThreads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.IneligibleReplicaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One replica on node 1 of partition t-0 with replicas [1, 2, 3]: roles, high watermark, ISR changes, waits. */
class PartitionTest {
    private static final int SELF = 1;
    private static final long LAG_MS = 10_000;
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(1_000_000);
    private final AppendWatchers watchers = new AppendWatchers();
    /** The ISR changes asked of the controller, each with the future the test answers it through. */
    private final List<Alter> alters = new CopyOnWriteArrayList<>();
    private final Set<Integer> fenced = new java.util.concurrent.ConcurrentSkipListSet<>();
    private ScheduledExecutorService timer;
    private LogManager logs;
    private Log log;
    private Partition partition;

    private record Alter(AlterPartitionRequest request, CompletableFuture<PartitionImage> answer) {
        /** The controller records the change with the next partition epoch. */
        void accept() {
            answer.complete(new PartitionImage(request.partition(), List.of(1, 2, 3), request.newIsr(), SELF,
                    request.leaderEpoch(), request.partitionEpoch() + 1));
        }
    }

    @BeforeEach
    void setUp() {
        timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("partition-test-timer"));
        logs = new LogManager(List.of(dir), Map.of(), 60_000, false, 15_000, time);
        logs.startup();
        log = logs.getOrCreate(TP, LogConfig.of(Map.of(LogConfig.MIN_INSYNC_REPLICAS, "2"), Map.of()));
        PartitionServices services = new PartitionServices(SELF, watchers, timer, time, LAG_MS, request -> {
            Alter alter = new Alter(request, new CompletableFuture<>());
            alters.add(alter);
            return alter.answer;
        }, id -> !fenced.contains(id));
        partition = new Partition(TP, Uuid.randomUuid(), log, services);
    }

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
        logs.shutdown();
    }

    private static PartitionImage image(List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch) {
        return new PartitionImage(0, List.of(1, 2, 3), isr, leader, leaderEpoch, partitionEpoch);
    }

    private void lead(List<Integer> isr) {
        partition.apply(image(isr, SELF, 5, 1));
    }

    private static MemoryRecords records(int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    private Partition.LeaderAppend append(int count, short acks) {
        return partition.appendAsLeader(records(count), acks, 60_000);
    }

    private FetchResult consumerRead(long offset) {
        return partition.read(new FetchParams(-1, offset, -1, -1, 1 << 20, true, true, false));
    }

    @Test
    void becomingLeaderStartsTheEpochAtTheLogEndAndAppendsInIt() {
        assertThat(partition.role()).isEqualTo(Partition.Role.NONE);
        assertThatThrownBy(() -> append(1, (short) 1)).isInstanceOf(NotLeaderOrFollowerException.class);

        lead(List.of(1));
        assertThat(partition.role()).isEqualTo(Partition.Role.LEADER);
        assertThat(log.latestEpoch()).isEqualTo(5);
        append(3, (short) 1);
        assertThat(log.endOffsetForEpoch(5)).isEqualTo(new EpochEndOffset(5, 3));
    }

    @Test
    void highWatermarkIsTheSmallestLogEndOverTheIsrAndNeverMovesBack() {
        lead(List.of(1, 2, 3));
        append(100, (short) 1);
        assertThat(partition.highWatermark()).isZero();
        partition.recordFollowerFetch(2, 80);
        assertThat(partition.highWatermark()).isZero();
        partition.recordFollowerFetch(3, 60);
        assertThat(partition.highWatermark()).isEqualTo(60);
        partition.recordFollowerFetch(3, 100);
        assertThat(partition.highWatermark()).isEqualTo(80);
        partition.recordFollowerFetch(2, 40);
        assertThat(partition.highWatermark()).isEqualTo(80);
    }

    @Test
    void aConsumerReadsOnlyBelowTheHighWatermarkAndAFollowerToTheLogEnd() {
        lead(List.of(1, 2));
        append(4, (short) 1);
        append(6, (short) 1);
        partition.recordFollowerFetch(2, 4);
        AtomicInteger wakeUps = new AtomicInteger();
        watchers.watch(TP, wakeUps::incrementAndGet);

        FetchResult consumer = consumerRead(0);
        assertThat(consumer.highWatermark()).isEqualTo(4);
        assertThat(consumer.info().slice().size()).isPositive();
        assertThat(consumerRead(4).info().slice().size()).isZero();

        FetchResult follower = partition.read(new FetchParams(2, 7, 5, 5, 1 << 20, true, true, false));
        assertThat(follower.info().slice().size()).as("past the high watermark").isPositive();
        assertThat(follower.highWatermark()).as("the follower's fetch offset moved it").isEqualTo(7);
        assertThat(wakeUps).as("waiting consumers hear the high watermark move").hasValue(1);
    }

    @Test
    void readsCheckTheLeaderEpochThenLeadership() {
        lead(List.of(1));
        assertThatThrownBy(() -> partition.read(new FetchParams(-1, 0, 4, -1, 100, true, true, false)))
                .isInstanceOf(FencedLeaderEpochException.class);
        assertThatThrownBy(() -> partition.read(new FetchParams(-1, 0, 6, -1, 100, true, true, false)))
                .isInstanceOf(UnknownLeaderEpochException.class);

        partition.apply(image(List.of(2, 1), 2, 6, 2));
        assertThatThrownBy(() -> partition.read(new FetchParams(-1, 0, 6, -1, 100, true, true, false)))
                .isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void aFollowerWhoseLastEpochEndsEarlierHereIsToldWhereToTruncate() {
        lead(List.of(1, 2));
        append(5, (short) 1);
        // The follower claims 8 offsets of epoch 5; epoch 5 ends at 5 here.
        FetchResult diverged = partition.read(new FetchParams(2, 8, 5, 5, 1 << 20, true, true, false));
        assertThat(diverged.diverged()).isTrue();
        assertThat(diverged.divergingEpoch()).isEqualTo(new EpochEndOffset(5, 5));
        assertThat(partition.highWatermark()).as("a diverged fetch offset is not progress").isZero();
    }

    @Test
    void anAcksAllAppendWaitsForTheIsrAndALoneLeaderDoesNot() throws Exception {
        lead(List.of(1, 2));
        Partition.LeaderAppend waiting = append(10, (short) -1);
        assertThat(waiting.replicated()).isNotDone();
        partition.recordFollowerFetch(2, 9);
        assertThat(waiting.replicated()).isNotDone();
        partition.recordFollowerFetch(2, 10);
        assertThat(waiting.replicated().get(5, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);

        assertThat(append(1, (short) 1).replicated()).isCompletedWithValue(Errors.NONE);
    }

    @Test
    void acksAllIsRefusedBeforeAppendingWhenTheIsrIsBelowMinInsync() {
        lead(List.of(1));
        assertThatThrownBy(() -> append(1, (short) -1)).isInstanceOf(NotEnoughReplicasException.class);
        assertThat(log.logEndOffset()).isZero();
        assertThat(append(1, (short) 1).info().firstOffset()).as("acks=1 does not need the ISR").isZero();
    }

    @Test
    void aWaitOutlivingTheIsrBelowMinInsyncIsAnsweredNotEnoughReplicasAfterAppend() throws Exception {
        lead(List.of(1, 2));
        Partition.LeaderAppend waiting = append(10, (short) -1);
        // The follower stops fetching and is dropped from the ISR: the leader alone now has the records.
        partition.apply(image(List.of(1), SELF, 5, 2));
        assertThat(waiting.replicated().get(5, TimeUnit.SECONDS)).isEqualTo(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    }

    @Test
    void aWaitTimesOutOrFailsWhenLeadershipMoves() throws Exception {
        lead(List.of(1, 2));
        CompletableFuture<Errors> timesOut = partition.appendAsLeader(records(1), (short) -1, 20).replicated();
        assertThat(timesOut.get(5, TimeUnit.SECONDS)).isEqualTo(Errors.REQUEST_TIMED_OUT);

        CompletableFuture<Errors> moved = append(1, (short) -1).replicated();
        partition.apply(image(List.of(1, 2), 2, 6, 2));
        assertThat(moved.get(5, TimeUnit.SECONDS)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(partition.role()).isEqualTo(Partition.Role.FOLLOWER);
        assertThatThrownBy(() -> append(1, (short) 1)).isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void aNewerLeaderEpochOfTheSameLeaderFailsTheWaitsOfTheOldOne() throws Exception {
        lead(List.of(1, 2));
        CompletableFuture<Errors> old = append(1, (short) -1).replicated();
        partition.apply(image(List.of(1, 2), SELF, 6, 2));
        assertThat(old.get(5, TimeUnit.SECONDS)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(partition.leaderEpoch()).isEqualTo(6);
        assertThat(log.latestEpoch()).isEqualTo(6);
    }

    @Test
    void aShrinkInFlightStillCountsTheLeavingReplicaUntilTheControllerRecordsIt() throws Exception {
        lead(List.of(1, 2, 3));
        append(100, (short) 1);
        partition.recordFollowerFetch(2, 100);
        partition.recordFollowerFetch(3, 100);
        assertThat(partition.highWatermark()).isEqualTo(100);

        time.advance(LAG_MS + 1);
        partition.recordFollowerFetch(2, 100);
        partition.maybeChangeIsr();
        assertThat(alters).singleElement().satisfies(a -> {
            assertThat(a.request().newIsr()).containsExactly(1, 2);
            assertThat(a.request().leaderEpoch()).isEqualTo(5);
            assertThat(a.request().partitionEpoch()).isEqualTo(1);
        });
        assertThat(partition.isrState().inFlight()).isTrue();
        partition.maybeChangeIsr();
        assertThat(alters).as("one change in flight at a time").hasSize(1);

        Partition.LeaderAppend waiting = append(10, (short) -1);
        partition.recordFollowerFetch(2, 110);
        assertThat(partition.highWatermark()).as("replica 3 is still in the maximal ISR").isEqualTo(100);
        assertThat(waiting.replicated()).isNotDone();

        alters.get(0).accept();
        assertThat(partition.isr()).containsExactly(1, 2);
        assertThat(partition.isrState().inFlight()).isFalse();
        assertThat(partition.highWatermark()).isEqualTo(110);
        assertThat(waiting.replicated().get(5, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
    }

    @Test
    void aCaughtUpFollowerJoinsAndAnExpansionInFlightHoldsTheHighWatermarkForIt() {
        lead(List.of(1, 2));
        append(100, (short) 1);
        partition.recordFollowerFetch(2, 100);
        partition.recordFollowerFetch(3, 50);
        assertThat(alters).as("not caught up yet").isEmpty();
        partition.recordFollowerFetch(3, 100);
        assertThat(alters).singleElement().satisfies(a -> assertThat(a.request().newIsr()).containsExactly(1, 2, 3));

        append(10, (short) 1);
        partition.recordFollowerFetch(2, 110);
        assertThat(partition.highWatermark()).as("the joining replica counts while the change is in flight")
                .isEqualTo(100);
        alters.get(0).accept();
        assertThat(partition.isr()).containsExactly(1, 2, 3);
    }

    @Test
    void aRefusedExpansionKeepsTheIsrAndIsRetriedOnlyAfterTheBackOff() {
        lead(List.of(1, 2));
        append(2, (short) 1);
        partition.recordFollowerFetch(2, 2);
        partition.recordFollowerFetch(3, 2);
        alters.get(0).answer().completeExceptionally(new IneligibleReplicaException("Replica 3 is fenced"));
        assertThat(partition.isr()).containsExactly(1, 2);
        assertThat(partition.isrState().inFlight()).isFalse();

        partition.recordFollowerFetch(3, 2);
        partition.maybeChangeIsr();
        assertThat(alters).hasSize(1);

        time.advance(LAG_MS / 2);
        partition.recordFollowerFetch(2, 2);
        partition.recordFollowerFetch(3, 2);
        assertThat(alters).hasSize(2);
    }

    @Test
    void aFailedChangeMayBeRetriedAtOnceAndFencedFollowersAreNotProposed() {
        lead(List.of(1, 2));
        append(2, (short) 1);
        fenced.add(3);
        partition.recordFollowerFetch(2, 2);
        partition.recordFollowerFetch(3, 2);
        assertThat(alters).isEmpty();

        fenced.clear();
        partition.recordFollowerFetch(3, 2);
        alters.get(0).answer().completeExceptionally(new IllegalStateException("controller moved"));
        partition.maybeChangeIsr();
        assertThat(alters).hasSize(2);
    }

    @Test
    void aFollowerThatFetchesButNeverReachesTheLogEndLeavesTheIsr() {
        lead(List.of(1, 2));
        for (int i = 0; i < 12; i++) {
            time.advance(1_000);
            append(100, (short) 1);
            // Always 150 behind, so never reaching the log end seen at the previous fetch.
            partition.recordFollowerFetch(2, log.logEndOffset() - 150);
        }
        partition.maybeChangeIsr();
        assertThat(alters).singleElement().satisfies(a -> assertThat(a.request().newIsr()).containsExactly(1));
    }

    @Test
    void anOlderPartitionEpochDoesNotOverwriteANewerIsr() {
        lead(List.of(1, 2, 3));
        partition.apply(image(List.of(1, 2), SELF, 5, 3));
        partition.apply(image(List.of(1, 2, 3), SELF, 5, 2));
        assertThat(partition.isr()).containsExactly(1, 2);
    }

    @Test
    void deleteRecordsIsRefusedPastTheHighWatermark() {
        lead(List.of(1, 2));
        append(10, (short) 1);
        partition.recordFollowerFetch(2, 6);

        assertThatThrownBy(() -> partition.deleteRecordsBefore(7)).isInstanceOf(OffsetOutOfRangeException.class)
                .hasMessageContaining("high watermark 6");
        assertThatThrownBy(() -> partition.deleteRecordsBefore(-5)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(partition.logStartOffset()).isZero();
        assertThat(partition.deleteRecordsBefore(3)).isEqualTo(3);
        assertThat(partition.deleteRecordsBefore(-1)).as("-1 means the high watermark").isEqualTo(6);
    }

    @Test
    void aFollowerAppendsOnlyInTheEpochItFetchedIn() {
        partition.apply(image(List.of(2, 1), 2, 7, 1));
        assertThat(partition.role()).isEqualTo(Partition.Role.FOLLOWER);

        assertThat(partition.appendAsFollower(leaderBatch(0, 7, 3), 2, 6)).as("fetched in an older epoch").isFalse();
        assertThat(log.logEndOffset()).isZero();
        assertThat(partition.appendAsFollower(leaderBatch(0, 7, 3), 2, 7)).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(partition.highWatermark()).isEqualTo(2);

        partition.stop();
        assertThat(partition.role()).isEqualTo(Partition.Role.NONE);
        assertThat(partition.appendAsFollower(leaderBatch(3, 7, 1), 3, 7)).isFalse();
    }

    @Test
    void aFollowerElectedLeaderStartsFromTheHighWatermarkItFollowed() {
        partition.apply(image(List.of(2, 1, 3), 2, 7, 1));
        partition.appendAsFollower(leaderBatch(0, 7, 5), 4, 7);
        partition.apply(image(List.of(1, 3), SELF, 8, 2));
        assertThat(partition.highWatermark()).isEqualTo(4);
        assertThat(log.latestEpoch()).isEqualTo(8);
    }

    private static MemoryRecords leaderBatch(long baseOffset, int epoch, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(("f" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(baseOffset, Compression.NONE, epoch, records);
    }
}
