package io.sluice.share;

import static io.sluice.share.AcknowledgeType.ACCEPT;
import static io.sluice.share.AcknowledgeType.RELEASE;
import static io.sluice.share.ShareFixture.A;
import static io.sluice.share.ShareFixture.B;
import static io.sluice.share.ShareFixture.C;
import static io.sluice.share.ShareFixture.CONFIG;
import static io.sluice.share.ShareFixture.LOCK_MS;
import static io.sluice.share.ShareFixture.acquired;
import static io.sluice.share.ShareFixture.batch;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class SharePartitionLockTest {
    @Test
    void aLockHoldsUntilItsDeadline() {
        ShareFixture f = new ShareFixture();
        long acquiredAt = f.time.milliseconds();
        f.acquire(A, batch(0, 9));
        assertThat(f.partition.nextLockDeadlineMs()).hasValue(acquiredAt + LOCK_MS);

        f.time.advance(LOCK_MS - 1);
        assertThat(f.partition.expireLocks()).isZero();
        assertThat(f.holderOf(0)).isEqualTo(A);

        f.time.advance(1);
        assertThat(f.partition.expireLocks()).isEqualTo(10);
        assertThat(f.stateOf(0)).isEqualTo(DeliveryState.AVAILABLE);
        assertThat(f.partition.acquiredRecordCount()).isZero();
        assertThat(f.partition.nextLockDeadlineMs()).isEmpty();
        assertThat(f.partition.nextFetchOffset()).isZero();
    }

    @Test
    void expiredRecordsAreRedeliveredWithTheirCountIncremented() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.time.advance(LOCK_MS);
        f.partition.expireLocks();

        assertThat(f.acquire(B, batch(0, 9))).containsExactly(acquired(0, 9, 2));
    }

    @Test
    void anAcquisitionTakesRecordsWhoseLockPassedWithoutWaitingForTheTimer() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.time.advance(LOCK_MS);

        assertThat(f.acquire(B, batch(0, 9))).containsExactly(acquired(0, 9, 2));
        assertThat(f.ack(A, 0, 9, ACCEPT)).containsExactly(Errors.INVALID_RECORD_STATE);
    }

    @Test
    void onlyTheRecordsStillHeldExpire() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.ack(A, 0, 4, ACCEPT);
        f.ack(A, 7, 7, RELEASE);
        f.time.advance(LOCK_MS);

        assertThat(f.partition.expireLocks()).isEqualTo(4);
        assertThat(f.partition.startOffset()).isEqualTo(5);
        assertThat(f.acquire(B, batch(0, 9))).containsExactly(acquired(5, 9, 2));
    }

    @Test
    void theNextDeadlineIsTheEarliestLockThatStillHoldsRecords() {
        ShareFixture f = new ShareFixture();
        long first = f.time.milliseconds();
        f.acquire(A, batch(0, 9));
        f.time.advance(100);
        f.acquire(B, batch(10, 19));
        f.time.advance(100);
        f.acquire(C, batch(20, 29));

        assertThat(f.partition.nextLockDeadlineMs()).hasValue(first + LOCK_MS);
        f.ack(A, 0, 4, ACCEPT);
        assertThat(f.partition.nextLockDeadlineMs()).hasValue(first + LOCK_MS);
        f.ack(A, 5, 9, ACCEPT);
        assertThat(f.partition.nextLockDeadlineMs()).hasValue(first + 100 + LOCK_MS);

        f.time.advance(LOCK_MS - 100);
        assertThat(f.partition.expireLocks()).isEqualTo(10);
        assertThat(f.partition.nextLockDeadlineMs()).hasValue(first + 200 + LOCK_MS);
    }

    @Test
    void expiryAtTheDeliveryLimitArchivesAndReportsForDeadLettering() {
        ShareFixture f = new ShareFixture(0, CONFIG.withDeliveryCountLimit(2));
        f.acquire(A, batch(0, 9));
        f.time.advance(LOCK_MS);
        f.acquire(B, batch(0, 4));
        f.time.advance(LOCK_MS);

        assertThat(f.partition.expireLocks()).isEqualTo(5);

        assertThat(f.deadLetters).containsExactly(new DeadLetterRecords(0, 4, 2));
        assertThat(f.partition.startOffset()).isEqualTo(5);
        assertThat(f.stateOf(5)).isEqualTo(DeliveryState.AVAILABLE);
    }

    @Test
    void releaseAllGivesBackEveryRecordOfOneMember() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.acquire(B, batch(10, 19));
        f.acquire(A, batch(20, 29));
        f.ack(A, 20, 21, ACCEPT);

        assertThat(f.partition.releaseAll(A)).isEqualTo(18);

        assertThat(f.stateOf(0)).isEqualTo(DeliveryState.AVAILABLE);
        assertThat(f.stateOf(25)).isEqualTo(DeliveryState.AVAILABLE);
        assertThat(f.holderOf(15)).isEqualTo(B);
        assertThat(f.partition.acquiredRecordCount()).isEqualTo(10);
        assertThat(f.partition.releaseAll(A)).isZero();
        assertThat(f.partition.releaseAll("unknown")).isZero();
        assertThat(f.acquire(C, batch(0, 9), batch(10, 19), batch(20, 29)))
                .containsExactly(acquired(0, 9, 2), acquired(22, 29, 2));
    }

    @Test
    void releaseAllAtTheDeliveryLimitArchivesAndReportsForDeadLettering() {
        ShareFixture f = new ShareFixture(0, CONFIG.withDeliveryCountLimit(1));
        f.acquire(A, batch(0, 9));

        f.partition.releaseAll(A);

        assertThat(f.deadLetters).containsExactly(new DeadLetterRecords(0, 9, 1));
        assertThat(f.partition.startOffset()).isEqualTo(10);
    }

    @Test
    void aLowerLockDurationAppliesToLocksTakenAfterIt() {
        ShareFixture f = new ShareFixture();
        long start = f.time.milliseconds();
        f.acquire(A, batch(0, 9));

        f.partition.reconfigure(CONFIG.withRecordLockDurationMs(1_000));
        f.acquire(B, batch(10, 19));

        assertThat(f.partition.nextLockDeadlineMs()).hasValue(start + 1_000);
        f.time.advance(1_000);
        assertThat(f.partition.expireLocks()).isEqualTo(10);
        assertThat(f.holderOf(0)).isEqualTo(A);
    }

    @Test
    void aLoweredDeliveryLimitArchivesAvailableRecordsThatReachedIt() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.ack(A, 0, 9, RELEASE);
        f.acquire(A, batch(0, 4));
        f.ack(A, 0, 4, RELEASE);

        f.partition.reconfigure(CONFIG.withDeliveryCountLimit(2));

        assertThat(f.deadLetters).containsExactly(new DeadLetterRecords(0, 4, 2));
        assertThat(f.partition.startOffset()).isEqualTo(5);
    }
}
