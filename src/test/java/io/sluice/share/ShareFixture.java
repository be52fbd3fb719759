package io.sluice.share;

import io.sluice.testing.ManualTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;

/**
 * A share-partition on a manual clock with its dead-letter reports collected, and shorthands for the values the
 * tests pass. Test-only; each test builds its own.
 */
final class ShareFixture {
    static final String A = "member-a";
    static final String B = "member-b";
    static final String C = "member-c";
    static final int LOCK_MS = 30_000;
    static final SharePartitionConfig CONFIG = new SharePartitionConfig(LOCK_MS, 5, 2_000);

    final ManualTime time = new ManualTime(1_000);
    final List<DeadLetterRecords> deadLetters = new ArrayList<>();
    final SharePartition partition;

    ShareFixture() {
        this(0, CONFIG);
    }

    ShareFixture(long startOffset, SharePartitionConfig config) {
        partition = SharePartition.startingAt(startOffset, config, time::milliseconds, deadLetters::add);
    }

    ShareFixture(ShareStateSnapshot snapshot, SharePartitionConfig config) {
        partition = SharePartition.restore(snapshot, config, time::milliseconds, deadLetters::add);
    }

    /** Acquires with a generous maximum in Kafka's default mode. */
    List<AcquiredRecords> acquire(String member, FetchedBatch... batches) {
        return partition.acquire(member, List.of(batches), 10_000, AcquireMode.BATCH_OPTIMIZED);
    }

    List<Errors> ack(String member, long first, long last, AcknowledgeType type) {
        return partition.acknowledge(member, List.of(AcknowledgementBatch.of(first, last, type)));
    }

    DeliveryState stateOf(long offset) {
        return rangeOf(offset).state();
    }

    int deliveryCountOf(long offset) {
        return rangeOf(offset).deliveryCount();
    }

    String holderOf(long offset) {
        InFlightRange range = rangeOf(offset);
        return range.lock() == null ? null : range.lock().memberId();
    }

    private InFlightRange rangeOf(long offset) {
        return partition.inFlight().stream()
                .filter(range -> range.first() <= offset && offset <= range.last())
                .findFirst()
                .orElseThrow(() -> new AssertionError("Offset " + offset + " is not in the window "
                        + partition.inFlight()));
    }

    static FetchedBatch batch(long baseOffset, long lastOffset) {
        return new FetchedBatch(baseOffset, lastOffset);
    }

    /** Consecutive batches of {@code size} records covering {@code first..last}. */
    static FetchedBatch[] batches(long first, long last, int size) {
        List<FetchedBatch> batches = new ArrayList<>();
        for (long base = first; base <= last; base += size) {
            batches.add(new FetchedBatch(base, Math.min(base + size - 1, last)));
        }
        return batches.toArray(FetchedBatch[]::new);
    }

    static AcquiredRecords acquired(long first, long last, int deliveryCount) {
        return new AcquiredRecords(first, last, deliveryCount);
    }

    static AcknowledgementBatch perOffset(long first, AcknowledgeType... types) {
        return new AcknowledgementBatch(first, first + types.length - 1, Arrays.asList(types));
    }
}
