package io.sluice.share;

import static io.sluice.share.AcknowledgeType.ACCEPT;
import static io.sluice.share.AcknowledgeType.REJECT;
import static io.sluice.share.AcknowledgeType.RELEASE;
import static io.sluice.share.AcknowledgeType.RENEW;
import static io.sluice.share.ShareFixture.A;
import static io.sluice.share.ShareFixture.B;
import static io.sluice.share.ShareFixture.CONFIG;
import static io.sluice.share.ShareFixture.LOCK_MS;
import static io.sluice.share.ShareFixture.acquired;
import static io.sluice.share.ShareFixture.batch;
import static io.sluice.share.ShareFixture.perOffset;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class SharePartitionAcknowledgeTest {
    @Test
    void acceptAcknowledgesAndTheRecordsAreForgotten() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));

        assertThat(f.ack(A, 0, 9, ACCEPT)).containsExactly(Errors.NONE);

        assertThat(f.partition.startOffset()).isEqualTo(10);
        assertThat(f.partition.acquiredRecordCount()).isZero();
        assertThat(f.partition.nextLockDeadlineMs()).isEmpty();
    }

    @Test
    void releasedRecordsAreRedeliveredWithTheirCountIncremented() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));

        assertThat(f.ack(A, 0, 9, RELEASE)).containsExactly(Errors.NONE);
        assertThat(f.stateOf(0)).isEqualTo(DeliveryState.AVAILABLE);
        assertThat(f.partition.nextFetchOffset()).isZero();

        assertThat(f.acquire(B, batch(0, 9))).containsExactly(acquired(0, 9, 2));
        assertThat(f.ack(B, 0, 9, RELEASE)).containsExactly(Errors.NONE);
        assertThat(f.acquire(A, batch(0, 9))).containsExactly(acquired(0, 9, 3));
        assertThat(f.deadLetters).isEmpty();
    }

    @Test
    void rejectArchivesWithoutDeadLettering() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));

        assertThat(f.ack(A, 0, 4, REJECT)).containsExactly(Errors.NONE);

        assertThat(f.partition.startOffset()).isEqualTo(5);
        assertThat(f.acquire(B, batch(0, 9))).isEmpty();
        assertThat(f.deadLetters).isEmpty();
    }

    @Test
    void renewKeepsTheRecordsWithAFreshLockAndTheSameCount() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.time.advance(LOCK_MS - 1);

        assertThat(f.ack(A, 0, 9, RENEW)).containsExactly(Errors.NONE);
        assertThat(f.partition.nextLockDeadlineMs()).hasValue(f.time.milliseconds() + LOCK_MS);

        f.time.advance(LOCK_MS - 1);
        assertThat(f.partition.expireLocks()).isZero();
        assertThat(f.holderOf(5)).isEqualTo(A);
        assertThat(f.deliveryCountOf(5)).isEqualTo(1);
        assertThat(f.ack(A, 0, 9, ACCEPT)).containsExactly(Errors.NONE);
        assertThat(f.partition.startOffset()).isEqualTo(10);
    }

    @Test
    void aRenewedPartExpiresApartFromTheRest() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.time.advance(1_000);
        f.ack(A, 3, 4, RENEW);

        f.time.advance(LOCK_MS - 1_000);
        assertThat(f.partition.expireLocks()).isEqualTo(8);

        assertThat(f.holderOf(3)).isEqualTo(A);
        assertThat(f.holderOf(4)).isEqualTo(A);
        assertThat(f.stateOf(2)).isEqualTo(DeliveryState.AVAILABLE);
        assertThat(f.stateOf(5)).isEqualTo(DeliveryState.AVAILABLE);
    }

    @Test
    void oneTypePerOffsetSplitsTheRange() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 5));

        assertThat(f.partition.acknowledge(A, List.of(perOffset(0, ACCEPT, RELEASE, REJECT, ACCEPT, RENEW, RENEW))))
                .containsExactly(Errors.NONE);

        assertThat(f.partition.startOffset()).isEqualTo(1);
        assertThat(f.stateOf(1)).isEqualTo(DeliveryState.AVAILABLE);
        assertThat(f.stateOf(2)).isEqualTo(DeliveryState.ARCHIVED);
        assertThat(f.stateOf(3)).isEqualTo(DeliveryState.ACKNOWLEDGED);
        assertThat(f.stateOf(4)).isEqualTo(DeliveryState.ACQUIRED);
        assertThat(f.partition.inFlight()).extracting(InFlightRange::toString).hasSize(4);
    }

    @Test
    void anotherMembersRecordsCannotBeAcknowledged() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));

        for (AcknowledgeType type : AcknowledgeType.values()) {
            assertThat(f.ack(B, 0, 9, type)).containsExactly(Errors.INVALID_RECORD_STATE);
            assertThat(f.ack(B, 4, 4, type)).containsExactly(Errors.INVALID_RECORD_STATE);
        }

        assertThat(f.holderOf(4)).isEqualTo(A);
        assertThat(f.ack(A, 0, 9, ACCEPT)).containsExactly(Errors.NONE);
    }

    @Test
    void aRangeAppliesEntirelyOrNotAtAll() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 4));
        f.acquire(B, batch(0, 9));

        assertThat(f.ack(A, 3, 6, ACCEPT)).containsExactly(Errors.INVALID_RECORD_STATE);

        assertThat(f.stateOf(3)).isEqualTo(DeliveryState.ACQUIRED);
        assertThat(f.stateOf(5)).isEqualTo(DeliveryState.ACQUIRED);
    }

    @Test
    void rangesAreAnsweredIndependently() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));

        List<Errors> results = f.partition.acknowledge(A, List.of(
                AcknowledgementBatch.of(0, 2, ACCEPT),
                AcknowledgementBatch.of(8, 12, ACCEPT),
                AcknowledgementBatch.of(3, 4, ACCEPT),
                AcknowledgementBatch.of(0, 0, ACCEPT)));

        assertThat(results).containsExactly(Errors.NONE, Errors.INVALID_RECORD_STATE, Errors.NONE,
                Errors.INVALID_RECORD_STATE);
        assertThat(f.partition.startOffset()).isEqualTo(5);
    }

    @Test
    void malformedRangesAreInvalidRequests() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));

        assertThat(f.partition.acknowledge(A, List.of(
                new AcknowledgementBatch(0, 3, List.of(ACCEPT, ACCEPT)),
                new AcknowledgementBatch(5, 4, List.of(ACCEPT)),
                new AcknowledgementBatch(0, 3, List.of()))))
                .containsExactly(Errors.INVALID_REQUEST, Errors.INVALID_REQUEST, Errors.INVALID_REQUEST);
        assertThat(f.partition.acquiredRecordCount()).isEqualTo(10);
    }

    @Test
    void recordsNotAcquiredCannotBeAcknowledged() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.ack(A, 0, 4, ACCEPT);
        f.ack(A, 5, 5, RELEASE);

        assertThat(f.ack(A, 0, 4, ACCEPT)).as("before the start offset").containsExactly(Errors.INVALID_RECORD_STATE);
        assertThat(f.ack(A, 5, 5, ACCEPT)).as("available").containsExactly(Errors.INVALID_RECORD_STATE);
        assertThat(f.ack(A, 10, 12, ACCEPT)).as("never acquired").containsExactly(Errors.INVALID_RECORD_STATE);
    }

    @Test
    void aRecordWhoseLockPassedCannotBeAcknowledgedEvenBeforeExpiryRuns() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.time.advance(LOCK_MS);

        assertThat(f.ack(A, 0, 9, ACCEPT)).containsExactly(Errors.INVALID_RECORD_STATE);
        assertThat(f.stateOf(0)).isEqualTo(DeliveryState.AVAILABLE);
    }

    @Test
    void releaseAtTheDeliveryLimitArchivesAndReportsForDeadLettering() {
        ShareFixture f = new ShareFixture(0, CONFIG.withDeliveryCountLimit(3));
        for (int delivery = 1; delivery <= 3; delivery++) {
            assertThat(f.acquire(A, batch(0, 9))).containsExactly(acquired(0, 9, delivery));
            assertThat(f.ack(A, 0, 9, RELEASE)).containsExactly(Errors.NONE);
        }

        assertThat(f.deadLetters).containsExactly(new DeadLetterRecords(0, 9, 3));
        assertThat(f.partition.startOffset()).isEqualTo(10);
        assertThat(f.acquire(B, batch(0, 9))).isEmpty();
    }

    @Test
    void onlyTheRecordsAtTheLimitAreDeadLettered() {
        ShareFixture f = new ShareFixture(0, CONFIG.withDeliveryCountLimit(2));
        f.acquire(A, batch(0, 9));
        f.ack(A, 0, 4, RELEASE);
        f.acquire(A, batch(0, 9));

        f.partition.acknowledge(A, List.of(AcknowledgementBatch.of(0, 9, RELEASE)));

        assertThat(f.deadLetters).containsExactly(new DeadLetterRecords(0, 4, 2));
        assertThat(f.partition.startOffset()).isEqualTo(5);
        assertThat(f.stateOf(5)).isEqualTo(DeliveryState.AVAILABLE);
    }

    @Test
    void rejectAtTheLimitIsNotDeadLettered() {
        ShareFixture f = new ShareFixture(0, CONFIG.withDeliveryCountLimit(1));
        f.acquire(A, batch(0, 9));

        f.ack(A, 0, 9, REJECT);

        assertThat(f.deadLetters).isEmpty();
        assertThat(f.partition.startOffset()).isEqualTo(10);
    }

    @Test
    void theListenerSeesTheStateAfterTheChange() {
        ShareFixture f = new ShareFixture();
        SharePartition[] partition = new SharePartition[1];
        List<Long> startOffsetsSeen = new ArrayList<>();
        partition[0] = SharePartition.startingAt(0, CONFIG.withDeliveryCountLimit(1), f.time::milliseconds,
                dead -> startOffsetsSeen.add(partition[0].startOffset()));
        partition[0].acquire(A, List.of(batch(0, 9)), 100, AcquireMode.BATCH_OPTIMIZED);

        partition[0].acknowledge(A, List.of(AcknowledgementBatch.of(0, 9, RELEASE)));

        assertThat(startOffsetsSeen).containsExactly(10L);
    }
}
