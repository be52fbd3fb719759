package io.sluice.log;

import java.util.List;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * One partition's append-only log. CONTRACT STUB: implemented in the log package work.
 * Thread-safety: appends are serialised by the log; reads may run concurrently with appends.
 */
public final class Log {
    /**
     * Validates (CRC, sizes vs max.message.bytes, magic v2), checks idempotent sequences, assigns
     * offsets (and LogAppendTime if configured) in place, writes the batches as sent.
     * Throws Kafka ApiExceptions: CorruptRecordException, RecordTooLargeException,
     * InvalidRecordException, OutOfOrderSequenceException, InvalidProducerEpochException /
     * ProducerFencedException, InvalidTimestampException.
     */
    public LogAppendInfo append(MemoryRecords records, int leaderEpoch) { throw new UnsupportedOperationException(); }

    /** Reads from the batch containing startOffset, at most maxBytes unless minOneBatch and the first batch is larger. Throws OffsetOutOfRangeException. */
    public LogReadInfo read(long startOffset, int maxBytes, boolean minOneBatch) { throw new UnsupportedOperationException(); }

    public long logStartOffset() { throw new UnsupportedOperationException(); }
    public long logEndOffset() { throw new UnsupportedOperationException(); }

    /** First record with timestamp >= ts, or null if none. */
    public TimestampOffset offsetForTimestamp(long timestamp) { throw new UnsupportedOperationException(); }
    /** The record with the largest timestamp, or null if the log is empty. */
    public TimestampOffset maxTimestamp() { throw new UnsupportedOperationException(); }

    /** Advances the log start offset (DeleteRecords); returns the new log start offset. Throws OffsetOutOfRangeException past the end. */
    public long deleteRecordsBefore(long offset) { throw new UnsupportedOperationException(); }

    public List<ProducerInfo> activeProducers() { throw new UnsupportedOperationException(); }
    public void updateConfig(LogConfig config) { throw new UnsupportedOperationException(); }
    public LogConfig config() { throw new UnsupportedOperationException(); }
}
