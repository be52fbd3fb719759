package io.sluice.share;

import static io.sluice.share.AcknowledgeType.ACCEPT;
import static io.sluice.share.AcknowledgeType.REJECT;
import static io.sluice.share.AcknowledgeType.RELEASE;
import static io.sluice.share.DeliveryState.ACKNOWLEDGED;
import static io.sluice.share.DeliveryState.ACQUIRED;
import static io.sluice.share.DeliveryState.ARCHIVED;
import static io.sluice.share.DeliveryState.AVAILABLE;
import static io.sluice.share.ShareFixture.A;
import static io.sluice.share.ShareFixture.B;
import static io.sluice.share.ShareFixture.CONFIG;
import static io.sluice.share.ShareFixture.acquired;
import static io.sluice.share.ShareFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.share.ShareStateSnapshot.StateBatch;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class SharePartitionSnapshotTest {
    @Test
    void aNewPartitionSnapshotsItsStartOffsetAlone() {
        ShareFixture f = new ShareFixture(42, CONFIG);

        assertThat(f.partition.snapshot()).isEqualTo(new ShareStateSnapshot(0, 42, List.of()));
    }

    @Test
    void theSnapshotMergesEqualNeighboursAndWritesAcquiredAsAvailable() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.ack(A, 5, 6, ACCEPT);
        f.ack(A, 7, 7, REJECT);
        f.acquire(B, batch(10, 14));
        f.ack(A, 0, 1, RELEASE);
        f.acquire(B, batch(0, 9));

        assertThat(f.partition.snapshot()).isEqualTo(new ShareStateSnapshot(0, 0, List.of(
                new StateBatch(0, 1, AVAILABLE, 2),
                new StateBatch(2, 4, AVAILABLE, 1),
                new StateBatch(5, 6, ACKNOWLEDGED, 1),
                new StateBatch(7, 7, ARCHIVED, 1),
                new StateBatch(8, 14, AVAILABLE, 1))));
    }

    @Test
    void aRestoredPartitionSnapshotsTheSameAndRedeliversWhatWasPending() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.ack(A, 0, 2, ACCEPT);
        f.ack(A, 5, 6, ACCEPT);
        f.ack(A, 7, 7, RELEASE);
        ShareStateSnapshot snapshot = f.partition.snapshot();

        ShareFixture restored = new ShareFixture(snapshot, CONFIG);

        assertThat(restored.partition.snapshot()).isEqualTo(snapshot);
        assertThat(restored.partition.startOffset()).isEqualTo(3);
        assertThat(restored.partition.endOffset()).isEqualTo(10);
        assertThat(restored.partition.acquiredRecordCount()).isZero();
        assertThat(restored.partition.nextFetchOffset()).isEqualTo(3);
        assertThat(restored.acquire(B, batch(0, 9), batch(10, 11)))
                .containsExactly(acquired(3, 4, 2), acquired(7, 9, 2), acquired(10, 11, 1));
    }

    @Test
    void offsetsBetweenStateBatchesAreUndelivered() {
        ShareStateSnapshot snapshot = new ShareStateSnapshot(3, 100, List.of(
                new StateBatch(102, 103, ACKNOWLEDGED, 1),
                new StateBatch(106, 106, AVAILABLE, 2)));

        ShareFixture f = new ShareFixture(snapshot, CONFIG);

        assertThat(f.partition.stateEpoch()).isEqualTo(3);
        assertThat(f.partition.endOffset()).isEqualTo(107);
        assertThat(f.acquire(A, batch(100, 109)))
                .containsExactly(acquired(100, 101, 1), acquired(104, 105, 1), acquired(106, 106, 3),
                        acquired(107, 109, 1));
    }

    @Test
    void stateBatchesBeforeTheStartOffsetAreDone() {
        ShareStateSnapshot snapshot = new ShareStateSnapshot(0, 10, List.of(
                new StateBatch(0, 4, AVAILABLE, 1),
                new StateBatch(8, 12, AVAILABLE, 1)));

        ShareFixture f = new ShareFixture(snapshot, CONFIG);

        assertThat(f.partition.snapshot().stateBatches()).containsExactly(new StateBatch(10, 12, AVAILABLE, 1));
    }

    @Test
    void anAcquiredStateBatchIsReadAsAvailable() {
        ShareStateSnapshot snapshot = new ShareStateSnapshot(0, 0, List.of(new StateBatch(0, 4, ACQUIRED, 1)));

        ShareFixture f = new ShareFixture(snapshot, CONFIG);

        assertThat(f.stateOf(0)).isEqualTo(AVAILABLE);
        assertThat(f.partition.nextLockDeadlineMs()).isEmpty();
    }

    @Test
    void restoringArchivesAndReportsRecordsThatReachedTheDeliveryLimit() {
        // A record acquired for its last allowed delivery when the snapshot was taken, then the broker stopped.
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.ack(A, 0, 4, RELEASE);
        f.acquire(A, batch(0, 4));
        ShareStateSnapshot snapshot = f.partition.snapshot();

        ShareFixture restored = new ShareFixture(snapshot, CONFIG.withDeliveryCountLimit(2));

        assertThat(restored.deadLetters).containsExactly(new DeadLetterRecords(0, 4, 2));
        assertThat(restored.partition.startOffset()).isEqualTo(5);
    }

    @Test
    void overlappingStateBatchesAreRefused() {
        ShareStateSnapshot snapshot = new ShareStateSnapshot(0, 0, List.of(
                new StateBatch(0, 4, AVAILABLE, 1),
                new StateBatch(4, 6, ACKNOWLEDGED, 1)));

        assertThatThrownBy(() -> new ShareFixture(snapshot, CONFIG)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unorderedStateBatchesAreRead() {
        ShareStateSnapshot snapshot = new ShareStateSnapshot(0, 0, List.of(
                new StateBatch(5, 9, ACKNOWLEDGED, 1),
                new StateBatch(0, 4, AVAILABLE, 1)));

        ShareFixture f = new ShareFixture(snapshot, CONFIG);

        assertThat(f.partition.snapshot().stateBatches()).containsExactly(new StateBatch(0, 4, AVAILABLE, 1),
                new StateBatch(5, 9, ACKNOWLEDGED, 1));
    }

    @Test
    void theStartOffsetCannotBeResetWhileAMemberHoldsRecords() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));

        assertThat(f.partition.resetStartOffset(100)).isEqualTo(Errors.NON_EMPTY_GROUP);
        assertThat(f.partition.startOffset()).isZero();
        assertThat(f.partition.stateEpoch()).isZero();
    }

    @Test
    void resettingTheStartOffsetForgetsAllStateAndBumpsTheEpoch() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.ack(A, 5, 9, ACCEPT);
        f.partition.releaseAll(A);

        assertThat(f.partition.resetStartOffset(3)).isEqualTo(Errors.NONE);

        assertThat(f.partition.snapshot()).isEqualTo(new ShareStateSnapshot(1, 3, List.of()));
        assertThat(f.acquire(B, batch(0, 9))).containsExactly(acquired(3, 9, 1));
    }

    @Test
    void locksThatPassedDoNotBlockAReset() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.time.advance(ShareFixture.LOCK_MS);

        assertThat(f.partition.resetStartOffset(10)).isEqualTo(Errors.NONE);
        assertThat(f.partition.startOffset()).isEqualTo(10);
    }
}
