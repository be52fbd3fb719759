package io.sluice.share;

import static io.sluice.share.AcknowledgeType.ACCEPT;
import static io.sluice.share.AcknowledgeType.RELEASE;
import static io.sluice.share.ShareFixture.A;
import static io.sluice.share.ShareFixture.B;
import static io.sluice.share.ShareFixture.CONFIG;
import static io.sluice.share.ShareFixture.acquired;
import static io.sluice.share.ShareFixture.batch;
import static io.sluice.share.ShareFixture.batches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class SharePartitionAcquireTest {
    @Test
    void newRecordsAreAcquiredWithDeliveryCountOneUnderOneEntry() {
        ShareFixture f = new ShareFixture();

        assertThat(f.acquire(A, batch(0, 499))).containsExactly(acquired(0, 499, 1));

        assertThat(f.partition.startOffset()).isZero();
        assertThat(f.partition.endOffset()).isEqualTo(500);
        assertThat(f.partition.acquiredRecordCount()).isEqualTo(500);
        assertThat(f.partition.inFlight()).hasSize(1);
        assertThat(f.stateOf(250)).isEqualTo(DeliveryState.ACQUIRED);
        assertThat(f.holderOf(250)).isEqualTo(A);
    }

    @Test
    void consecutiveBatchesAcquiredTogetherAreOneRange() {
        ShareFixture f = new ShareFixture();

        assertThat(f.acquire(A, batches(0, 99, 10))).containsExactly(acquired(0, 99, 1));
        assertThat(f.partition.inFlight()).hasSize(1);
    }

    @Test
    void theWindowStartsAtTheGivenOffsetEvenIfTheReadBatchStartsBefore() {
        ShareFixture f = new ShareFixture(100, CONFIG);

        assertThat(f.acquire(A, batch(90, 109))).containsExactly(acquired(100, 109, 1));
        assertThat(f.partition.startOffset()).isEqualTo(100);
        assertThat(f.partition.endOffset()).isEqualTo(110);
    }

    @Test
    void anEmptyWindowMovesToTheFirstOffsetTheLogHas() {
        ShareFixture f = new ShareFixture(0, CONFIG);

        assertThat(f.acquire(A, batch(50, 59))).containsExactly(acquired(50, 59, 1));
        assertThat(f.partition.startOffset()).isEqualTo(50);
        assertThat(f.partition.inFlight()).hasSize(1);
    }

    @Test
    void offsetsBetweenFetchedBatchesAreArchivedWithoutDelivery() {
        ShareFixture f = new ShareFixture();

        assertThat(f.acquire(A, batch(0, 4), batch(8, 9))).containsExactly(acquired(0, 4, 1), acquired(8, 9, 1));
        assertThat(f.stateOf(6)).isEqualTo(DeliveryState.ARCHIVED);
        assertThat(f.deliveryCountOf(6)).isZero();
        assertThat(f.partition.acquiredRecordCount()).isEqualTo(7);

        f.ack(A, 0, 4, ACCEPT);
        f.ack(A, 8, 9, ACCEPT);
        assertThat(f.partition.startOffset()).isEqualTo(10);
        assertThat(f.partition.inFlight()).isEmpty();
    }

    @Test
    void batchOptimizedFinishesTheBatchItStarted() {
        ShareFixture f = new ShareFixture();

        List<AcquiredRecords> acquired = f.partition.acquire(A, List.of(batches(0, 14, 5)), 6,
                AcquireMode.BATCH_OPTIMIZED);

        assertThat(acquired).containsExactly(acquired(0, 9, 1));
        assertThat(f.partition.endOffset()).isEqualTo(10);
    }

    @Test
    void batchOptimizedTakesAFirstBatchLargerThanTheMaximumWhole() {
        ShareFixture f = new ShareFixture();

        assertThat(f.partition.acquire(A, List.of(batch(0, 99)), 10, AcquireMode.BATCH_OPTIMIZED))
                .containsExactly(acquired(0, 99, 1));
    }

    @Test
    void recordLimitNeverExceedsTheMaximum() {
        ShareFixture f = new ShareFixture();

        assertThat(f.partition.acquire(A, List.of(batches(0, 14, 5)), 6, AcquireMode.RECORD_LIMIT))
                .containsExactly(acquired(0, 5, 1));
        assertThat(f.partition.endOffset()).isEqualTo(6);
        assertThat(f.partition.nextFetchOffset()).isEqualTo(6);

        // The rest of the split batch comes with the next fetch, which reads it again from its base offset.
        assertThat(f.partition.acquire(B, List.of(batches(5, 14, 5)), 6, AcquireMode.RECORD_LIMIT))
                .containsExactly(acquired(6, 11, 1));
    }

    @Test
    void recordLimitCountsRedeliveriesAndNewRecordsTogether() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.ack(A, 0, 9, RELEASE);

        assertThat(f.partition.acquire(B, List.of(batch(0, 9), batch(10, 19)), 12, AcquireMode.RECORD_LIMIT))
                .containsExactly(acquired(0, 9, 2), acquired(10, 11, 1));
    }

    @Test
    void nothingIsAcquiredForAZeroMaximum() {
        ShareFixture f = new ShareFixture();

        assertThat(f.partition.acquire(A, List.of(batch(0, 9)), 0, AcquireMode.RECORD_LIMIT)).isEmpty();
        assertThat(f.partition.acquire(A, List.of(batch(0, 9)), 0, AcquireMode.BATCH_OPTIMIZED)).isEmpty();
        assertThat(f.partition.endOffset()).isZero();
    }

    @Test
    void redeliveryComesFirstAndLowestOffsetsFirst() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.partition.acknowledge(A, List.of(AcknowledgementBatch.of(7, 7, RELEASE),
                AcknowledgementBatch.of(2, 3, RELEASE)));

        assertThat(f.partition.nextFetchOffset()).isEqualTo(2);
        // A read from offset 2 returns the whole batch holding it, then what follows.
        assertThat(f.acquire(B, batch(0, 9), batch(10, 14)))
                .containsExactly(acquired(2, 3, 2), acquired(7, 7, 2), acquired(10, 14, 1));
        assertThat(f.holderOf(1)).isEqualTo(A);
        assertThat(f.holderOf(2)).isEqualTo(B);
    }

    @Test
    void recordsHeldByAnotherMemberOrDoneAreSkipped() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.ack(A, 5, 9, ACCEPT);

        assertThat(f.acquire(B, batch(0, 9))).isEmpty();
        assertThat(f.partition.endOffset()).isEqualTo(10);
    }

    @Test
    void theLockLimitStopsAcquisitionEvenInsideABatch() {
        ShareFixture f = new ShareFixture(0, CONFIG.withMaxRecordLocks(10));

        assertThat(f.acquire(A, batches(0, 99, 4))).containsExactly(acquired(0, 9, 1));
        assertThat(f.partition.canAcquire()).isFalse();
        assertThat(f.acquire(B, batches(8, 99, 4))).isEmpty();

        f.ack(A, 0, 2, ACCEPT);
        assertThat(f.partition.canAcquire()).isTrue();
        assertThat(f.acquire(B, batches(8, 99, 4))).containsExactly(acquired(10, 12, 1));
    }

    @Test
    void theStartOffsetMovesOnlyPastADonePrefix() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));

        f.ack(A, 2, 9, ACCEPT);
        assertThat(f.partition.startOffset()).isZero();

        f.ack(A, 0, 1, AcknowledgeType.REJECT);
        assertThat(f.partition.startOffset()).isEqualTo(10);
        assertThat(f.partition.inFlight()).isEmpty();
        assertThat(f.partition.nextFetchOffset()).isEqualTo(10);
    }

    @Test
    void offsetsBeforeTheStartOffsetAreNeverAcquiredAgain() {
        ShareFixture f = new ShareFixture();
        f.acquire(A, batch(0, 9));
        f.ack(A, 0, 9, ACCEPT);

        assertThat(f.acquire(B, batch(0, 14))).containsExactly(acquired(10, 14, 1));
    }

    @Test
    void membersSharingAPartitionGetDisjointRecords() {
        ShareFixture f = new ShareFixture();
        List<String> members = List.of("m1", "m2", "m3", "m4", "m5");
        Set<Long> seen = new HashSet<>();
        List<Long> all = new ArrayList<>();

        for (int round = 0; round < 4; round++) {
            for (String member : members) {
                long from = f.partition.nextFetchOffset();
                List<AcquiredRecords> acquired = f.partition.acquire(member,
                        List.of(batches(from - from % 3, from - from % 3 + 29, 3)), 7, AcquireMode.BATCH_OPTIMIZED);
                for (AcquiredRecords records : acquired) {
                    for (long offset = records.firstOffset(); offset <= records.lastOffset(); offset++) {
                        assertThat(seen.add(offset)).as("offset %d acquired twice", offset).isTrue();
                        assertThat(f.holderOf(offset)).isEqualTo(member);
                        all.add(offset);
                    }
                }
            }
        }

        assertThat(all).hasSize((int) f.partition.endOffset());
        assertThat(f.partition.acquiredRecordCount()).isEqualTo(all.size());
        assertThat(f.partition.acknowledge("m2", List.of(AcknowledgementBatch.of(3, 3, ACCEPT))))
                .containsExactly(Errors.INVALID_RECORD_STATE);
    }

    @Test
    void fetchedBatchesMustBeInOrder() {
        ShareFixture f = new ShareFixture();

        assertThatThrownBy(() -> f.acquire(A, batch(10, 19), batch(0, 9)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> f.acquire(A, batch(0, 9), batch(9, 19)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> batch(5, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
