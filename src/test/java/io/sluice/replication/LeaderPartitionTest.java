package io.sluice.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.metadata.PartitionImage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class LeaderPartitionTest {
    private static final int SELF = 1;
    private static final long LAG_MS = 10_000;
    private static final Uuid TOPIC = Uuid.randomUuid();

    private static PartitionImage image(List<Integer> isr, int partitionEpoch) {
        return new PartitionImage(0, List.of(1, 2, 3), isr, SELF, 5, partitionEpoch);
    }

    private static LeaderPartition leader(List<Integer> isr, long startMs) {
        return new LeaderPartition(SELF, TOPIC, image(isr, 1), 0, startMs);
    }

    @Test
    void highWatermarkIsTheSmallestLogEndOverTheIsr() {
        LeaderPartition partition = leader(List.of(1, 2, 3), 0);
        assertThat(partition.highWatermark(100)).isZero();
        partition.onFollowerFetch(2, 80, 100, 1);
        assertThat(partition.highWatermark(100)).isZero();
        assertThat(partition.onFollowerFetch(3, 60, 100, 2)).isTrue();
        assertThat(partition.highWatermark(100)).isEqualTo(60);
        partition.onFollowerFetch(3, 100, 100, 3);
        assertThat(partition.highWatermark(100)).isEqualTo(80);
    }

    @Test
    void highWatermarkNeverMovesBackAndIgnoresFollowersOutsideTheIsr() {
        LeaderPartition partition = leader(List.of(1, 2), 0);
        partition.onFollowerFetch(2, 50, 100, 1);
        partition.onFollowerFetch(3, 1, 100, 1);
        assertThat(partition.highWatermark(100)).isEqualTo(50);
        partition.onFollowerFetch(2, 40, 100, 2);
        assertThat(partition.highWatermark(100)).isEqualTo(50);
    }

    @Test
    void aLeaderAloneInTheIsrHasItsLogEndAsHighWatermarkAndNeverWaits() {
        LeaderPartition partition = leader(List.of(1), 0);
        assertThat(partition.highWatermark(42)).isEqualTo(42);
        assertThat(partition.await(43, 43, 1)).isNull();
    }

    @Test
    void anAcksAllWaitCompletesOnceTheHighWatermarkCoversIt() {
        LeaderPartition partition = leader(List.of(1, 2), 0);
        CompletableFuture<Errors> wait = partition.await(10, 10, 2);
        assertThat(wait).isNotNull();
        partition.onFollowerFetch(2, 9, 10, 1);
        assertThat(partition.satisfiedWaiters(10)).isEmpty();
        partition.onFollowerFetch(2, 10, 10, 2);
        assertThat(partition.satisfiedWaiters(10)).containsExactly(new LeaderPartition.Answer(wait, Errors.NONE));
        assertThat(partition.drainWaiters()).isEmpty();
    }

    @Test
    void aWaitOutlivingTheIsrBelowMinInsyncIsAnsweredNotEnoughReplicasAfterAppend() {
        LeaderPartition partition = leader(List.of(1, 2), 0);
        CompletableFuture<Errors> wait = partition.await(10, 10, 2);
        // The follower stops fetching and is dropped from the ISR: the leader alone now has the records.
        partition.update(image(List.of(1), 2));
        assertThat(partition.satisfiedWaiters(10))
                .containsExactly(new LeaderPartition.Answer(wait, Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND));
    }

    @Test
    void aLeaderAloneBelowMinInsyncAnswersNotEnoughReplicasAfterAppendAtOnce() {
        LeaderPartition partition = leader(List.of(1), 0);
        assertThat(partition.await(43, 43, 2)).isCompletedWithValue(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    }

    @Test
    void aFollowerThatStopsFetchingLeavesTheIsrAfterTheLagTime() {
        LeaderPartition partition = leader(List.of(1, 2, 3), 0);
        partition.onFollowerFetch(2, 100, 100, 5_000);
        partition.onFollowerFetch(3, 100, 100, 5_000);
        assertThat(partition.wantedIsr(LAG_MS, LAG_MS, 100)).isNull();
        partition.onFollowerFetch(2, 100, 100, 14_000);
        assertThat(partition.wantedIsr(15_001, LAG_MS, 100)).containsExactly(1, 2);
        // In flight: no second request until the answer arrives.
        assertThat(partition.wantedIsr(15_002, LAG_MS, 100)).isNull();
        partition.update(image(List.of(1, 2), 2));
        assertThat(partition.isr()).containsExactly(1, 2);
        assertThat(partition.partitionEpoch()).isEqualTo(2);
    }

    @Test
    void aFollowerThatFetchesButNeverReachesTheLogEndLeavesTheIsr() {
        LeaderPartition partition = leader(List.of(1, 2), 0);
        long now = 0;
        long leaderEnd = 100;
        for (int i = 0; i < 12; i++) {
            now += 1_000;
            leaderEnd += 100;
            // Always 150 behind, so never reaching the log end seen at the previous fetch.
            partition.onFollowerFetch(2, leaderEnd - 150, leaderEnd, now);
        }
        assertThat(partition.wantedIsr(now, LAG_MS, leaderEnd)).containsExactly(1);
    }

    @Test
    void aCaughtUpFollowerRejoinsTheIsrAndAFailedChangeCanBeRetried() {
        LeaderPartition partition = leader(List.of(1, 2), 0);
        partition.onFollowerFetch(2, 100, 100, 1_000);
        partition.onFollowerFetch(3, 50, 100, 1_000);
        assertThat(partition.wantedIsr(1_000, LAG_MS, 100)).isNull();
        partition.onFollowerFetch(3, 100, 100, 2_000);
        assertThat(partition.wantedIsr(2_000, LAG_MS, 100)).containsExactly(1, 2, 3);
        partition.alterFailed();
        assertThat(partition.wantedIsr(2_001, LAG_MS, 100)).containsExactly(1, 2, 3);
    }

    @Test
    void anOlderPartitionEpochDoesNotOverwriteANewerIsr() {
        LeaderPartition partition = leader(List.of(1, 2, 3), 0);
        partition.update(image(List.of(1, 2), 3));
        partition.update(image(List.of(1, 2, 3), 2));
        assertThat(partition.isr()).containsExactly(1, 2);
    }
}
