package io.sluice.log;

import java.util.ArrayDeque;
import org.apache.kafka.common.record.RecordBatch;

/**
 * What the log remembers about one idempotent or transactional producer: its epoch, its last few batches, and for a
 * transactional one the first offset of its open transaction and the epoch of the coordinator that last ended one.
 */
final class ProducerStateEntry {
    /** Kafka keeps the metadata of the last five batches, matching max.in.flight.requests.per.connection. */
    static final int RETAINED_BATCHES = 5;

    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {
    }

    final long producerId;
    private short epoch;
    private final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(RETAINED_BATCHES);
    /** Where the producer's open transaction starts here, or -1 when none is open. */
    long currentTxnFirstOffset = -1;
    /** The epoch of the transaction coordinator that wrote the last marker, or -1. */
    int coordinatorEpoch = -1;

    ProducerStateEntry(long producerId, short epoch) {
        this.producerId = producerId;
        this.epoch = epoch;
    }

    ProducerStateEntry copy() {
        ProducerStateEntry copy = new ProducerStateEntry(producerId, epoch);
        copy.batches.addAll(batches);
        copy.currentTxnFirstOffset = currentTxnFirstOffset;
        copy.coordinatorEpoch = coordinatorEpoch;
        return copy;
    }

    short epoch() {
        return epoch;
    }

    Iterable<BatchMetadata> batches() {
        return batches;
    }

    int lastSequence() {
        BatchMetadata last = batches.peekLast();
        return last == null ? RecordBatch.NO_SEQUENCE : last.lastSeq();
    }

    /** Last offset of the newest batch, or -1 if none is known. */
    long lastOffset() {
        BatchMetadata last = batches.peekLast();
        return last == null ? -1L : last.lastOffset();
    }

    long lastTimestamp() {
        BatchMetadata last = batches.peekLast();
        return last == null ? RecordBatch.NO_TIMESTAMP : last.timestamp();
    }

    BatchMetadata findDuplicate(int firstSeq, int lastSeq) {
        for (BatchMetadata batch : batches) {
            if (batch.firstSeq() == firstSeq && batch.lastSeq() == lastSeq) {
                return batch;
            }
        }
        return null;
    }

    /** Takes a newer epoch (from a batch or a transaction marker), forgetting the older epoch's batches. */
    void updateEpoch(short newEpoch) {
        if (newEpoch != epoch) {
            epoch = newEpoch;
            batches.clear();
        }
    }

    /** Records a written batch; a newer epoch forgets the older epoch's batches. */
    void add(short batchEpoch, BatchMetadata batch) {
        updateEpoch(batchEpoch);
        if (batches.size() == RETAINED_BATCHES) {
            batches.removeFirst();
        }
        batches.addLast(batch);
    }
}
