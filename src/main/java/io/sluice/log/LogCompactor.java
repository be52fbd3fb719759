package io.sluice.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * One compaction pass over a log, as Kafka's cleaner does it: map every key of the dirty range (past
 * the cleaner checkpoint) to its latest offset, then rewrite the inactive segments below the first
 * uncleanable offset keeping a record only if no later record has its key. Small adjacent segments
 * are merged into one cleaned segment (bounded by segment.bytes), which is swapped in crash-safely
 * through the ".cleaned" then ".swap" file names. Not thread-safe: one pass at a time per instance.
 */
final class LogCompactor {
    /** Bounds the offset map's memory (24 bytes per slot); a larger dirty range is cleaned over several passes. */
    static final int DEFAULT_MAX_MAP_ENTRIES = 1 << 21;
    private static final int IO_BUFFER_BYTES = 1 << 20;

    private final int maxMapEntries;
    private final BooleanSupplier stopRequested;
    private final BufferSupplier decompression = BufferSupplier.create();
    private final BatchChunkReader reader = new BatchChunkReader(IO_BUFFER_BYTES);
    private ByteBuffer writeBuffer = ByteBuffer.allocate(IO_BUFFER_BYTES);

    LogCompactor(int maxMapEntries, BooleanSupplier stopRequested) {
        this.maxMapEntries = maxMapEntries;
        this.stopRequested = stopRequested;
    }

    /** Thrown between chunks when the owner is shutting down; the partial output is discarded. */
    static final class CleaningAbortedException extends RuntimeException {
        CleaningAbortedException() {
            super("Cleaning aborted");
        }
    }

    /** Cleans the log with everything from firstDirtyOffset on treated as dirty. */
    CleanResult clean(Log log, long firstDirtyOffset, long nowMs) {
        synchronized (log.cleaningLock()) {
            try {
                return cleanLocked(log, firstDirtyOffset, nowMs);
            } catch (IOException e) {
                throw new KafkaStorageException("Compaction of " + log.dir() + " failed", e);
            }
        }
    }

    private CleanResult cleanLocked(Log log, long requestedFirstDirty, long nowMs) throws IOException {
        LogConfig config = log.config();
        long firstDirty = Math.max(requestedFirstDirty, log.logStartOffset());
        long uncleanable = log.firstUncleanableOffset(nowMs);
        List<LogSegment> cleanable = log.inactiveSegmentsBelow(uncleanable);
        if (cleanable.isEmpty()) {
            return CleanResult.nothingToClean(firstDirty);
        }
        List<LogSegment> dirty = new ArrayList<>();
        for (LogSegment segment : cleanable) {
            if (log.nextSegmentBase(segment.baseOffset) > firstDirty) {
                dirty.add(segment);
            }
        }
        AbortedBatches aborted = new AbortedBatches(log.abortedTransactionsByProducer(cleanable.get(0).baseOffset));
        OffsetMap map = new OffsetMap((int) Math.min(maxMapEntries, countRecords(dirty)));
        long end = buildMap(dirty, firstDirty, uncleanable, map, aborted);

        Stats stats = new Stats();
        CompactionFilter filter = new CompactionFilter(nowMs, config.deleteRetentionMs(), map,
                log.lastBatchOffsetsOfProducers(), aborted);
        List<LogSegment> toClean = new ArrayList<>();
        for (LogSegment segment : cleanable) {
            if (segment.baseOffset < end) {
                toClean.add(segment);
            }
        }
        long earliestHorizon = Long.MAX_VALUE;
        for (List<LogSegment> group : groupBySize(log, toClean, config)) {
            LogSegment cleaned = LogSegment.createCleaned(log.dir(), group.get(0).baseOffset, nowMs);
            try {
                earliestHorizon = Math.min(earliestHorizon, rewrite(group, cleaned, filter, config, stats));
                if (!log.replaceSegments(group, cleaned)) {
                    cleaned.closeAndDelete();
                    return stats.result(firstDirty, end, false);
                }
            } catch (IOException | RuntimeException e) {
                cleaned.closeAndDelete();
                throw e;
            }
            stats.segmentsWritten++;
        }
        // Segments past a filled-up map were not rewritten and may hold horizons of earlier passes.
        log.recordEarliestDeleteHorizon(end == uncleanable ? earliestHorizon : Log.UNKNOWN_HORIZON);
        return stats.result(firstDirty, end, true);
    }

    private static long countRecords(List<LogSegment> segments) throws IOException {
        long count = 0;
        BatchHeader header = new BatchHeader();
        for (LogSegment segment : segments) {
            long position = 0;
            int size = segment.size();
            while (header.read(segment.channel(), position, size)) {
                count += header.recordCount;
                position += header.size;
            }
        }
        return count;
    }

    /**
     * Maps keys of records at or after firstDirty in the dirty segments; returns the offset the map
     * covers up to (exclusive): the uncleanable offset, or less when the map filled up first.
     */
    private long buildMap(List<LogSegment> dirty, long firstDirty, long uncleanable, OffsetMap map,
                          AbortedBatches aborted) throws IOException {
        boolean[] full = {false};
        for (LogSegment segment : dirty) {
            reader.forEachChunk(segment, chunk -> {
                checkNotStopped();
                if (full[0]) {
                    return;
                }
                for (MutableRecordBatch batch : chunk.batches()) {
                    // An aborted transaction's records never were the latest value of their keys.
                    if (batch.isControlBatch() || batch.lastOffset() < firstDirty || aborted.contains(batch)) {
                        continue;
                    }
                    try (CloseableIterator<Record> records = batch.streamingIterator(decompression)) {
                        while (records.hasNext()) {
                            Record record = records.next();
                            if (record.offset() < firstDirty || !record.hasKey()) {
                                continue;
                            }
                            if (map.isFull()) {
                                full[0] = true;
                                return;
                            }
                            map.put(record.key(), record.offset());
                        }
                    }
                }
            });
            if (full[0]) {
                return map.latestOffset() + 1;
            }
        }
        return uncleanable;
    }

    /**
     * Groups adjacent segments so each cleaned segment stays within segment.bytes and
     * segment.index.bytes and its offsets fit the index's relative int32.
     */
    private static List<List<LogSegment>> groupBySize(Log log, List<LogSegment> segments, LogConfig config) {
        List<List<LogSegment>> groups = new ArrayList<>();
        int i = 0;
        while (i < segments.size()) {
            LogSegment first = segments.get(i);
            List<LogSegment> group = new ArrayList<>();
            group.add(first);
            long bytes = first.size();
            long indexBytes = first.offsetIndexSizeInBytes();
            long timeIndexBytes = first.timeIndexSizeInBytes();
            int j = i + 1;
            while (j < segments.size()) {
                LogSegment next = segments.get(j);
                long lastOffsetIfMerged = log.nextSegmentBase(next.baseOffset) - 1;
                if (bytes + next.size() > config.segmentBytes()
                        || indexBytes + next.offsetIndexSizeInBytes() > config.segmentIndexBytes()
                        || timeIndexBytes + next.timeIndexSizeInBytes() > config.segmentIndexBytes()
                        || lastOffsetIfMerged - first.baseOffset > Integer.MAX_VALUE) {
                    break;
                }
                group.add(next);
                bytes += next.size();
                indexBytes += next.offsetIndexSizeInBytes();
                timeIndexBytes += next.timeIndexSizeInBytes();
                j++;
            }
            groups.add(group);
            i = j;
        }
        return groups;
    }

    /** Filters every batch of the group into the cleaned segment; returns the earliest delete horizon written. */
    private long rewrite(List<LogSegment> group, LogSegment cleaned, CompactionFilter filter, LogConfig config,
                         Stats stats) throws IOException {
        long[] earliestHorizon = {Long.MAX_VALUE};
        long newestTimestamp = RecordBatch.NO_TIMESTAMP;
        for (LogSegment segment : group) {
            stats.segmentsRead++;
            newestTimestamp = Math.max(newestTimestamp, segment.largestTimestamp());
            reader.forEachChunk(segment, chunk -> {
                checkNotStopped();
                writeBuffer.clear();
                MemoryRecords.FilterResult result = chunk.filterTo(filter, writeBuffer, decompression);
                ByteBuffer output = result.outputBuffer();
                if (output != writeBuffer) {
                    writeBuffer = output;
                }
                output.flip();
                stats.bytesRead += chunk.sizeInBytes();
                stats.recordsRead += result.messagesRead();
                stats.recordsRetained += result.messagesRetained();
                if (!output.hasRemaining()) {
                    return;
                }
                List<MutableRecordBatch> batches = new ArrayList<>();
                for (MutableRecordBatch batch : MemoryRecords.readableRecords(output.duplicate()).batches()) {
                    batches.add(batch);
                    batch.deleteHorizonMs().ifPresent(h -> earliestHorizon[0] = Math.min(earliestHorizon[0], h));
                }
                stats.bytesWritten += output.remaining();
                cleaned.append(output, batches, config.indexIntervalBytes());
            });
            // Markers are always kept, so every abort the originals indexed still ends in the cleaned segment.
            segment.txnIndex().entries().forEach(cleaned.txnIndex()::append);
        }
        cleaned.onBecomeInactive();
        cleaned.flush();
        if (cleaned.isEmpty() && newestTimestamp > 0) {
            // Retention judges a segment without records by its file's age: keep the originals' age.
            cleaned.setLastModified(newestTimestamp);
        }
        return earliestHorizon[0];
    }

    private void checkNotStopped() {
        if (stopRequested.getAsBoolean()) {
            throw new CleaningAbortedException();
        }
    }

    /**
     * The batches of aborted transactions: a transactional batch inside an abort's range of its producer. The answer
     * for the last batch asked about is kept, as the filter asks once per record.
     */
    private static final class AbortedBatches {
        private final Map<Long, List<AbortedTxn>> byProducer;
        private RecordBatch lastAsked;
        private boolean lastAnswer;

        AbortedBatches(Map<Long, List<AbortedTxn>> byProducer) {
            this.byProducer = byProducer;
        }

        boolean contains(RecordBatch batch) {
            if (batch != lastAsked) {
                lastAsked = batch;
                lastAnswer = isAborted(batch);
            }
            return lastAnswer;
        }

        private boolean isAborted(RecordBatch batch) {
            if (!batch.isTransactional() || batch.isControlBatch()) {
                return false;
            }
            List<AbortedTxn> aborts = byProducer.get(batch.producerId());
            if (aborts != null) {
                for (AbortedTxn txn : aborts) {
                    if (batch.baseOffset() >= txn.firstOffset() && batch.lastOffset() < txn.lastOffset()) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /**
     * Keeps a record when it is the latest for its key (or its key was not seen in the dirty range),
     * and a tombstone only until the delete horizon stamped on its batch by an earlier pass; drops the
     * records of aborted transactions, as Kafka's cleaner does, and keeps every transaction marker. The
     * last batch of each idempotent producer survives even when emptied, so its sequence state does.
     */
    private static final class CompactionFilter extends MemoryRecords.RecordFilter {
        private final OffsetMap map;
        private final Map<Long, Long> lastBatchOffsetByProducer;
        private final AbortedBatches aborted;

        CompactionFilter(long nowMs, long deleteRetentionMs, OffsetMap map, Map<Long, Long> lastBatchOffsetByProducer,
                         AbortedBatches aborted) {
            super(nowMs, deleteRetentionMs);
            this.map = map;
            this.lastBatchOffsetByProducer = lastBatchOffsetByProducer;
            this.aborted = aborted;
        }

        @Override
        protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            boolean producersLast = batch.hasProducerId()
                    && Long.valueOf(batch.lastOffset()).equals(lastBatchOffsetByProducer.get(batch.producerId()));
            return new BatchRetentionResult(producersLast ? BatchRetention.RETAIN_EMPTY : BatchRetention.DELETE_EMPTY,
                    false);
        }

        @Override
        protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (batch.isControlBatch()) {
                return true;
            }
            if (aborted.contains(batch)) {
                return false;
            }
            if (!record.hasKey()) {
                return false;
            }
            long latest = map.get(record.key());
            if (latest >= 0 && record.offset() < latest) {
                return false;
            }
            if (!record.hasValue()) {
                var horizon = batch.deleteHorizonMs();
                return horizon.isEmpty() || currentTime < horizon.getAsLong();
            }
            return true;
        }
    }

    private static final class Stats {
        int segmentsRead;
        int segmentsWritten;
        long bytesRead;
        long bytesWritten;
        long recordsRead;
        long recordsRetained;

        CleanResult result(long firstDirty, long end, boolean completed) {
            return new CleanResult(firstDirty, end, segmentsRead, segmentsWritten, bytesRead, bytesWritten,
                    recordsRead, recordsRetained, completed);
        }
    }
}
