package io.sluice.log;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Checks every batch of a produce request before anything is written, looking only at batch
 * headers (the CRC check covers the payload without decompressing it). Records are iterated only
 * when message.timestamp.before.max.ms is bounded, as the batch header has no minimum timestamp, and
 * on compacted topics, where every record needs a key.
 */
final class AppendValidator {
    /** "topic-partition", for error messages. */
    private final String partition;

    AppendValidator(String partition) {
        this.partition = partition;
    }

    record Result(List<MutableRecordBatch> batches, int sizeInBytes, long maxTimestamp) {
    }

    Result validate(MemoryRecords records, LogConfig config, long nowMs) {
        List<MutableRecordBatch> batches = new ArrayList<>(1);
        int bytes = 0;
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                throw new InvalidRecordException("Produce requests are only allowed to contain record batches "
                        + "with magic version 2, got magic " + batch.magic());
            }
            int size = batch.sizeInBytes();
            if (size > config.maxMessageBytes()) {
                throw new RecordTooLargeException("The record batch size " + size
                        + " bytes exceeds the maximum allowed size " + config.maxMessageBytes() + " (max.message.bytes)");
            }
            if (!batch.isValid()) {
                throw new CorruptRecordException("Record batch at relative offset " + bytes
                        + " is corrupt (CRC mismatch or bad size)");
            }
            if (batch.isControlBatch()) {
                throw new InvalidRecordException("Clients are not allowed to write control records");
            }
            Integer count = batch.countOrNull();
            long countFromOffsets = batch.lastOffset() - batch.baseOffset() + 1;
            if (count == null || count <= 0 || countFromOffsets != count) {
                throw new InvalidRecordException("Inconsistent batch: record count " + count
                        + " does not match the offset delta " + (countFromOffsets - 1));
            }
            if (config.timestampType() == TimestampType.CREATE_TIME) {
                validateTimestamps(batch, config, nowMs);
            }
            if (config.compactEnabled()) {
                requireKeys(batch);
            }
            maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
            bytes += size;
            batches.add(batch);
        }
        return new Result(batches, bytes, maxTimestamp);
    }

    private static void validateTimestamps(MutableRecordBatch batch, LogConfig config, long nowMs) {
        long max = batch.maxTimestamp();
        if (max != RecordBatch.NO_TIMESTAMP && max - nowMs > config.timestampAfterMaxMs()) {
            throw outOfRange(max, config, nowMs);
        }
        long beforeMax = config.timestampBeforeMaxMs();
        if (beforeMax == Long.MAX_VALUE) {
            return;
        }
        try (CloseableIterator<Record> it = batch.isCompressed()
                ? batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)
                : batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (it.hasNext()) {
                long timestamp = it.next().timestamp();
                if (timestamp != RecordBatch.NO_TIMESTAMP && nowMs - timestamp > beforeMax) {
                    throw outOfRange(timestamp, config, nowMs);
                }
            }
        }
    }

    /** Compaction keeps the latest record per key, so a compacted topic has no place for a record without one. */
    private void requireKeys(MutableRecordBatch batch) {
        try (CloseableIterator<Record> it = batch.isCompressed()
                ? batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)
                : batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (it.hasNext()) {
                if (!it.next().hasKey()) {
                    throw new InvalidRecordException("Compacted topic cannot accept message without key in topic partition "
                            + partition + ".");
                }
            }
        }
    }

    private static InvalidTimestampException outOfRange(long timestamp, LogConfig config, long nowMs) {
        long lower = config.timestampBeforeMaxMs() == Long.MAX_VALUE ? Long.MIN_VALUE : nowMs - config.timestampBeforeMaxMs();
        long upper = nowMs + config.timestampAfterMaxMs();
        return new InvalidTimestampException("Timestamp " + timestamp + " of message is out of range. "
                + "The timestamp should be within [" + lower + ", " + upper + "]");
    }
}
