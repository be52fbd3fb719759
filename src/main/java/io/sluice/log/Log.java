package io.sluice.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's append-only log: a directory of segments named by base offset. This class appends (as leader and
 * as follower), reads, truncates, applies retention and DeleteRecords, and hands segments to compaction; opening the
 * directory and recovering it is {@link LogLoader}'s job, and the segments themselves are a {@link LogSegments}.
 * Thread-safety: appends and structural changes (roll, retention, delete records) are serialised
 * by the log; reads run concurrently and only see batches below the published log end offset.
 */
public final class Log {
    private static final Logger LOG = LoggerFactory.getLogger(Log.class);
    /** Earliest tombstone delete horizon not known yet (after start-up or a partial pass). */
    static final long UNKNOWN_HORIZON = Long.MIN_VALUE;

    private final Path dir;
    private final Time time;
    private final Scheduler scheduler;
    private final Object lock = new Object();
    /** Serialises compaction passes; never held while waiting for {@link #lock}'s holders. */
    private final Object cleaningLock = new Object();
    private final LogSegments segments;
    private final ProducerStateManager producerState = new ProducerStateManager();
    private final AppendValidator validator;
    private final LeaderEpochCache epochCache;

    private volatile LogConfig config;
    private volatile LogSegment activeSegment;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    private volatile boolean closed;
    private volatile long earliestDeleteHorizon = UNKNOWN_HORIZON;
    private long unflushedMessages;
    private boolean recoveryRan;
    private long producerBatchesReplayed;

    private Log(Path dir, LogConfig config, Time time, Scheduler scheduler) {
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.segments = new LogSegments(dir);
        this.validator = new AppendValidator(String.valueOf(dir.getFileName()));
        this.epochCache = new LeaderEpochCache(new LeaderEpochCheckpointFile(dir));
        this.lastFlushMs = time.milliseconds();
    }

    /**
     * Opens (creating if needed) the log in the directory. After an unclean shutdown every segment
     * holding offsets at or after the recovery point is scanned, CRC-checked and truncated at the
     * first torn or corrupt batch; missing or corrupt index files are rebuilt in every case.
     */
    public static Log open(Path dir, LogConfig config, long recoveryPoint, boolean cleanShutdown,
                           Time time, Scheduler scheduler) {
        Log log = new Log(dir, config, time, scheduler);
        LogLoader.Loaded loaded;
        try {
            Files.createDirectories(dir);
            loaded = new LogLoader(dir, config.indexIntervalBytes(), time, log.segments, log.producerState,
                    log.epochCache).load(recoveryPoint, cleanShutdown);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open log in " + dir, e);
        }
        log.activeSegment = log.segments.last();
        log.logEndOffset = loaded.logEndOffset();
        log.logStartOffset = loaded.logStartOffset();
        log.recoveryPoint = loaded.recoveryPoint();
        log.recoveryRan = loaded.recoveryRan();
        log.producerBatchesReplayed = loaded.producerBatchesReplayed();
        if (!cleanShutdown) {
            log.flush();
        }
        return log;
    }

    /**
     * Validates (CRC, sizes vs max.message.bytes, magic v2), checks idempotent sequences, assigns
     * offsets (and LogAppendTime if configured) in place, writes the batches as sent.
     * Throws Kafka ApiExceptions: CorruptRecordException, RecordTooLargeException,
     * InvalidRecordException, OutOfOrderSequenceException, InvalidProducerEpochException /
     * ProducerFencedException, InvalidTimestampException.
     */
    public LogAppendInfo append(MemoryRecords records, int leaderEpoch) {
        return append(records, leaderEpoch, AppendOrigin.CLIENT);
    }

    /** As {@link #append(MemoryRecords, int)}; a coordinator's batches skip the sequence checks ({@link AppendOrigin}). */
    public LogAppendInfo append(MemoryRecords records, int leaderEpoch, AppendOrigin origin) {
        return append(records, leaderEpoch, origin, null);
    }

    /**
     * KIP-890: before the first batch of a producer's transaction is appended here, the partition leader asks the
     * transaction coordinator whether the partition is part of it, under the guard this returns (or
     * {@link VerificationGuard#TRANSACTION_OPEN} when the producer's transaction of that epoch is open here already).
     * A batch of a newer epoch than the transaction open here is the first of the next transaction (transactions
     * version 2, {@code epochBumpedAtEnd}, bumps the epoch at every end), which must not join the open one before
     * its marker.
     */
    public VerificationGuard verificationGuard(long producerId, short producerEpoch, boolean epochBumpedAtEnd) {
        synchronized (lock) {
            return producerState.hasOpenTransaction(producerId, producerEpoch) ? VerificationGuard.TRANSACTION_OPEN
                    : producerState.verificationGuard(producerId, producerEpoch, epochBumpedAtEnd);
        }
    }

    /**
     * As {@link #append(MemoryRecords, int, AppendOrigin)}; with a verification guard (from {@link #verificationGuard}),
     * a transactional batch that would open its producer's transaction is refused with INVALID_TXN_STATE unless the
     * guard is still the producer's.
     */
    public LogAppendInfo append(MemoryRecords records, int leaderEpoch, AppendOrigin origin,
                                VerificationGuard verificationGuard) {
        LogConfig cfg = config;
        if (records.sizeInBytes() > cfg.segmentBytes()) {
            throw new RecordBatchTooLargeException("Message batch size is " + records.sizeInBytes()
                    + " bytes which exceeds the maximum configured segment size of " + cfg.segmentBytes());
        }
        synchronized (lock) {
            ensureOpen();
            long now = time.milliseconds();
            AppendValidator.Result validated = validator.validate(records, cfg, now);
            if (validated.batches().isEmpty()) {
                return new LogAppendInfo(-1, -1, -1, logStartOffset, false);
            }
            Map<Long, ProducerStateEntry> pending = new HashMap<>();
            long offset = logEndOffset;
            for (MutableRecordBatch batch : validated.batches()) {
                if (batch.hasProducerId()) {
                    ProducerStateEntry.BatchMetadata duplicate = producerState.check(batch, pending, origin);
                    if (verificationGuard != null && duplicate == null) {
                        producerState.checkVerified(batch, pending, verificationGuard);
                    }
                    if (duplicate != null) {
                        return new LogAppendInfo(duplicate.firstOffset(), duplicate.lastOffset(),
                                cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? duplicate.timestamp() : -1,
                                logStartOffset, true);
                    }
                    long count = batch.lastOffset() - batch.baseOffset() + 1;
                    producerState.stage(pending, batch.producerId(), batch.producerEpoch(), batch.isTransactional(),
                            new ProducerStateEntry.BatchMetadata(batch.baseSequence(),
                                    batch.lastSequence(), offset, offset + count - 1,
                                    cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? now : batch.maxTimestamp()));
                }
                offset += batch.lastOffset() - batch.baseOffset() + 1;
            }
            long firstOffset = logEndOffset;
            long lastOffset = offset - 1;
            maybeRoll(validated.sizeInBytes(), validated.maxTimestamp(), lastOffset, now, cfg);
            epochCache.assign(leaderEpoch, firstOffset);
            long next = firstOffset;
            long messages = 0;
            for (MutableRecordBatch batch : validated.batches()) {
                long count = batch.lastOffset() - batch.baseOffset() + 1;
                batch.setLastOffset(next + count - 1);
                batch.setPartitionLeaderEpoch(leaderEpoch);
                if (cfg.timestampType() == TimestampType.LOG_APPEND_TIME) {
                    batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
                }
                next += count;
                messages += count;
            }
            ByteBuffer data = records.buffer().duplicate();
            data.limit(data.position() + validated.sizeInBytes());
            try {
                activeSegment.append(data, validated.batches(), cfg.indexIntervalBytes());
            } catch (IOException e) {
                throw new KafkaStorageException("Append to " + activeSegment.logFile() + " failed", e);
            }
            producerState.commit(pending);
            logEndOffset = next;
            unflushedMessages += messages;
            if (unflushedMessages >= cfg.flushMessages()) {
                flush();
            }
            return new LogAppendInfo(firstOffset, lastOffset,
                    cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? now : -1, logStartOffset, false);
        }
    }

    /**
     * Appends batches copied from the partition leader as they are: they already carry their offsets
     * and leader epochs. Only the CRC and offset continuity are checked (the leader validated the rest);
     * producer state is updated so that this replica can take over as leader. Batches wholly below the
     * log end offset are skipped; a gap throws OffsetOutOfRangeException. Returns the new log end offset.
     */
    public long appendAsFollower(MemoryRecords records) {
        synchronized (lock) {
            ensureOpen();
            LogConfig cfg = config;
            List<MutableRecordBatch> batches = new ArrayList<>();
            int skipBytes = 0;
            int bytes = 0;
            long next = logEndOffset;
            long maxTimestamp = RecordBatch.NO_TIMESTAMP;
            for (MutableRecordBatch batch : records.batches()) {
                if (batch.lastOffset() < next && batches.isEmpty()) {
                    skipBytes += batch.sizeInBytes();
                    continue;
                }
                if (batch.baseOffset() != next) {
                    throw new OffsetOutOfRangeException("Replicated batch at offset " + batch.baseOffset()
                            + " does not follow the log end offset " + next + " of " + dir);
                }
                if (!batch.isValid()) {
                    throw new CorruptRecordException("Replicated batch at offset " + batch.baseOffset() + " is corrupt");
                }
                maxTimestamp = Math.max(maxTimestamp, batch.maxTimestamp());
                bytes += batch.sizeInBytes();
                next = batch.lastOffset() + 1;
                batches.add(batch);
            }
            if (batches.isEmpty()) {
                return logEndOffset;
            }
            long now = time.milliseconds();
            maybeRoll(bytes, maxTimestamp, next - 1, now, cfg);
            for (MutableRecordBatch batch : batches) {
                epochCache.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            }
            ByteBuffer data = records.buffer().duplicate();
            data.position(data.position() + skipBytes);
            data.limit(data.position() + bytes);
            try {
                activeSegment.append(data, batches, cfg.indexIntervalBytes());
            } catch (IOException e) {
                throw new KafkaStorageException("Append to " + activeSegment.logFile() + " failed", e);
            }
            for (MutableRecordBatch batch : batches) {
                replayReplicated(batch);
            }
            unflushedMessages += next - logEndOffset;
            logEndOffset = next;
            if (unflushedMessages >= cfg.flushMessages()) {
                flush();
            }
            return next;
        }
    }

    /** Under the lock: a batch copied from the leader updates the producer state as the leader's append did. */
    private void replayReplicated(MutableRecordBatch batch) {
        if (!batch.hasProducerId()) {
            return;
        }
        if (batch.isControlBatch()) {
            Iterator<Record> records = batch.iterator();
            if (!records.hasNext()) {
                return;
            }
            Record record = records.next();
            ControlRecordType type = ControlRecordType.parse(record.key());
            if (type == ControlRecordType.ABORT || type == ControlRecordType.COMMIT) {
                int coordinatorEpoch = EndTransactionMarker.deserialize(record).coordinatorEpoch();
                AbortedTxn aborted = producerState.completeTxn(batch.producerId(), batch.producerEpoch(),
                        coordinatorEpoch, type == ControlRecordType.ABORT, batch.baseOffset());
                if (aborted != null) {
                    activeSegment.txnIndex().append(aborted);
                }
            }
            return;
        }
        Map<Long, ProducerStateEntry> staged = new HashMap<>(1);
        producerState.stage(staged, batch.producerId(), batch.producerEpoch(), batch.isTransactional(),
                new ProducerStateEntry.BatchMetadata(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
                        batch.lastOffset(), batch.maxTimestamp()));
        producerState.commit(staged);
    }

    /**
     * Writes a transaction marker (COMMIT or ABORT, from the transaction coordinator of the given epoch) for the
     * producer as leader in the leader epoch: it ends the producer's open transaction here, and an abort is added
     * to the aborted transaction index. Refused with INVALID_PRODUCER_EPOCH or TRANSACTION_COORDINATOR_FENCED when
     * the marker is older than what this partition has seen.
     */
    public LogAppendInfo appendTxnMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                                         int leaderEpoch) {
        synchronized (lock) {
            ensureOpen();
            producerState.checkMarker(producerId, producerEpoch, coordinatorEpoch);
            long now = time.milliseconds();
            long offset = logEndOffset;
            MemoryRecords marker = MemoryRecords.withEndTransactionMarker(offset, now, leaderEpoch, producerId,
                    producerEpoch, new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
                            coordinatorEpoch));
            MutableRecordBatch batch = marker.batches().iterator().next();
            maybeRoll(marker.sizeInBytes(), now, offset, now, config);
            epochCache.assign(leaderEpoch, offset);
            try {
                activeSegment.append(marker.buffer().duplicate(), List.of(batch), config.indexIntervalBytes());
            } catch (IOException e) {
                throw new KafkaStorageException("Append to " + activeSegment.logFile() + " failed", e);
            }
            AbortedTxn aborted = producerState.completeTxn(producerId, producerEpoch, coordinatorEpoch, !commit, offset);
            if (aborted != null) {
                activeSegment.txnIndex().append(aborted);
            }
            logEndOffset = offset + 1;
            unflushedMessages++;
            if (unflushedMessages >= config.flushMessages()) {
                flush();
            }
            return new LogAppendInfo(offset, offset, -1, logStartOffset, false);
        }
    }

    /**
     * The offset below which read_committed consumers may read, given the high watermark: the first offset of the
     * oldest transaction not yet decided below it. Lock-free.
     */
    public long lastStableOffset(long highWatermark) {
        // A transaction whose start DeleteRecords or retention removed cannot hold readers below the log start.
        return Math.max(logStartOffset, producerState.lastStableOffset(highWatermark));
    }

    /** The aborted transactions whose records meet [fetchOffset, upperBoundOffset), oldest first. */
    public List<AbortedTxn> abortedTransactions(long fetchOffset, long upperBoundOffset) {
        List<AbortedTxn> result = new ArrayList<>();
        // An abort's entry sits in the segment of its marker, which can be past the bound: the walk goes to the end.
        for (LogSegment segment = segments.holding(Math.max(fetchOffset, logStartOffset)); segment != null;
             segment = segments.after(segment)) {
            segment.txnIndex().collect(fetchOffset, upperBoundOffset, result);
        }
        return result;
    }

    private void maybeRoll(int incomingBytes, long incomingMaxTimestamp, long lastOffset, long now, LogConfig cfg) {
        LogSegment segment = activeSegment;
        if (segment.isEmpty()) {
            return;
        }
        boolean full = segment.size() > cfg.segmentBytes() - incomingBytes;
        boolean old = segment.timeWaitedForRoll(now, incomingMaxTimestamp) > cfg.segmentMs();
        boolean indexFull = segment.offsetIndexFull(cfg.segmentIndexBytes());
        boolean offsetOverflow = lastOffset - segment.baseOffset > Integer.MAX_VALUE;
        if (full || old || indexFull || offsetOverflow) {
            roll(now);
        }
    }

    /** Starts a new active segment at the log end offset; the old one is flushed in the background. */
    private void roll(long now) {
        LogSegment previous = activeSegment;
        long base = logEndOffset;
        previous.onBecomeInactive();
        LogSegment next = LogSegment.create(dir, base, now);
        segments.add(next);
        activeSegment = next;
        // The producer state as of the new segment's base: after a crash, only the segments from the newest such
        // snapshot below the recovery point are read again, not the whole log.
        producerState.writeSnapshot(dir, base);
        ProducerStateManager.pruneSnapshots(dir, ProducerStateManager.SNAPSHOTS_KEPT);
        scheduler.schedule("flush-rolled-segment", 0, () -> flushUpTo(base));
    }

    /** Reads from the batch containing startOffset, at most maxBytes unless minOneBatch and the first batch is larger. Throws OffsetOutOfRangeException. */
    public LogReadInfo read(long startOffset, int maxBytes, boolean minOneBatch) {
        return read(startOffset, maxBytes, minOneBatch, Long.MAX_VALUE);
    }

    /**
     * As {@link #read(long, int, boolean)}, but returns no batch starting at or above maxOffset (a consumer
     * reads only below the high watermark). The reported log end offset stays the real one.
     */
    public LogReadInfo read(long startOffset, int maxBytes, boolean minOneBatch, long maxOffset) {
        long end = logEndOffset;
        long start = logStartOffset;
        if (startOffset == end) {
            return new LogReadInfo(activeSegment.emptySlice(), start, end);
        }
        if (startOffset < start || startOffset > end) {
            throw new OffsetOutOfRangeException("Received request for offset " + startOffset + " for log " + dir
                    + ", but we only have log segments in the range " + start + " to " + end + ".");
        }
        try {
            LogSegment segment = segments.holding(startOffset);
            while (segment != null) {
                FileSlice slice = segment.read(startOffset, maxBytes, minOneBatch, Math.min(end, maxOffset));
                if (slice != null) {
                    return new LogReadInfo(slice, start, end);
                }
                segment = segments.after(segment);
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Read from " + dir + " failed", e);
        }
        return new LogReadInfo(activeSegment.emptySlice(), start, end);
    }

    public long logStartOffset() { return logStartOffset; }
    public long logEndOffset() { return logEndOffset; }

    /** Which leader epoch wrote which offsets of this log. */
    public LeaderEpochCache leaderEpochCache() { return epochCache; }

    /** The epoch of the newest batch (or of the latest leadership taken here), -1 if none. */
    public int latestEpoch() { return epochCache.latestEpoch(); }

    /** Where {@code epoch} ends in this log: see {@link LeaderEpochCache#endOffsetFor}. */
    public EpochEndOffset endOffsetForEpoch(int epoch) {
        long end = logEndOffset;
        return epochCache.endOffsetFor(epoch, end);
    }

    /**
     * This replica became leader in {@code epoch}: the epoch starts at the current log end even before anything is
     * written in it, so a follower whose older epoch ran on past this point learns where to cut it.
     */
    public void assignLeaderEpoch(int epoch) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            epochCache.assign(epoch, logEndOffset);
        }
    }

    /**
     * Removes every batch that holds offsets at or after {@code targetOffset} (a follower dropping records the
     * leader does not have). The cut falls at a batch boundary, so the new log end may be below the target when a
     * batch straddles it. Returns the number of offsets removed (0 when the log already ends at or before it).
     */
    public long truncateTo(long targetOffset) {
        synchronized (lock) {
            ensureOpen();
            long previousEnd = logEndOffset;
            if (targetOffset >= previousEnd) {
                // No record goes, but an epoch may still start here: a broker that became leader and was deposed
                // before appending anything has an entry at its log end that the new leader never had. Kept, it
                // would make every later fetch report the same divergence again.
                epochCache.truncateFromEnd(targetOffset);
                return 0;
            }
            if (targetOffset <= segments.firstBase()) {
                truncateFullyAndStartAt(targetOffset);
                return previousEnd - logEndOffset;
            }
            for (LogSegment later : segments.basedFrom(targetOffset)) {
                deleteSegment(later);
            }
            LogSegment last = segments.last();
            logEndOffset = Math.min(logEndOffset, targetOffset);
            try {
                last.truncateTo(targetOffset, config.indexIntervalBytes());
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot truncate " + last.logFile(), e);
            }
            activeSegment = last;
            logEndOffset = last.nextOffset();
            if (logStartOffset > logEndOffset) {
                logStartOffset = logEndOffset;
            }
            recoveryPoint = Math.min(recoveryPoint, logEndOffset);
            epochCache.truncateFromEnd(logEndOffset);
            ProducerStateManager.deleteSnapshotsAfter(dir, logEndOffset);
            rebuildProducerState();
            LOG.info("Truncated {} to offset {}, removing offsets {} to {}", dir, logEndOffset, logEndOffset,
                    previousEnd - 1);
            return previousEnd - logEndOffset;
        }
    }

    /** Empties the log and restarts it at {@code offset}: a replica too far behind its leader's log start. */
    public void truncateFullyAndStartAt(long offset) {
        synchronized (lock) {
            ensureOpen();
            List<LogSegment> old = List.copyOf(segments.all());
            for (LogSegment segment : old) {
                deleteSegment(segment);
            }
            LogSegment fresh = LogSegment.create(dir, offset, time.milliseconds());
            segments.add(fresh);
            activeSegment = fresh;
            LogStartOffsetFile.write(dir, offset);
            logStartOffset = offset;
            logEndOffset = offset;
            recoveryPoint = offset;
            epochCache.clear();
            producerState.clear();
            ProducerStateManager.deleteSnapshotsAfter(dir, -1);
            LOG.info("Emptied {} to restart at offset {}", dir, offset);
        }
    }

    /** Replays the producer state from every batch header (after a truncation removed batches). */
    private void rebuildProducerState() {
        producerState.clear();
        segments.forEachBatchHeader("producer state", producerState::replay);
    }

    /** First record with timestamp >= ts, or null if none. */
    public TimestampOffset offsetForTimestamp(long timestamp) {
        long start = logStartOffset;
        try {
            for (LogSegment segment : segments.from(start)) {
                TimestampOffset found = segment.findOffsetByTimestamp(timestamp, start);
                if (found != null) {
                    return found;
                }
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Timestamp lookup in " + dir + " failed", e);
        }
        return null;
    }

    /** The record with the largest timestamp, or null if the log is empty. */
    public TimestampOffset maxTimestamp() {
        LogSegment best = null;
        for (LogSegment segment : segments.all()) {
            if (segment.offsetOfMaxTimestamp() >= 0 && (best == null || segment.maxTimestamp() > best.maxTimestamp())) {
                best = segment;
            }
        }
        if (best == null) {
            return null;
        }
        try {
            return best.exactMaxTimestamp();
        } catch (IOException e) {
            throw new KafkaStorageException("Timestamp lookup in " + dir + " failed", e);
        }
    }

    /** Advances the log start offset (DeleteRecords); returns the new log start offset. Throws OffsetOutOfRangeException past the end. */
    public long deleteRecordsBefore(long offset) {
        synchronized (lock) {
            ensureOpen();
            if (offset > logEndOffset) {
                throw new OffsetOutOfRangeException("Cannot delete records before offset " + offset
                        + " of log " + dir + " because the log end offset is " + logEndOffset);
            }
            if (offset <= logStartOffset) {
                return logStartOffset;
            }
            LogStartOffsetFile.write(dir, offset);
            logStartOffset = offset;
            epochCache.truncateFromStart(offset);
            producerState.truncateHead(offset);
            deleteSegmentsBelowStart();
            return logStartOffset;
        }
    }

    private int deleteSegmentsBelowStart() {
        int deleted = 0;
        while (segments.count() > 1) {
            LogSegment second = segments.after(segments.first());
            if (second.baseOffset > logStartOffset) {
                break;
            }
            deleteSegment(segments.first());
            deleted++;
        }
        return deleted;
    }

    /**
     * Applies retention.ms and retention.bytes (when cleanup.policy includes delete) and drops
     * segments wholly below the log start offset. An expired active segment is rolled first so it
     * can go too. Returns the number of segments deleted.
     */
    public int deleteOldSegments() {
        synchronized (lock) {
            if (closed) {
                return 0;
            }
            LogConfig cfg = config;
            int deleted = deleteSegmentsBelowStart();
            if (!cfg.deleteEnabled()) {
                return deleted;
            }
            long now = time.milliseconds();
            if (cfg.retentionMs() >= 0) {
                while (!segments.isEmpty()) {
                    LogSegment oldest = segments.first();
                    if ((oldest.isEmpty() && oldest == activeSegment) || now - oldest.largestTimestamp() <= cfg.retentionMs()) {
                        break;
                    }
                    deleted += deleteOldest(oldest, now);
                }
            }
            if (cfg.retentionBytes() >= 0) {
                long excess = size() - cfg.retentionBytes();
                while (!segments.isEmpty()) {
                    LogSegment oldest = segments.first();
                    if ((oldest.isEmpty() && oldest == activeSegment) || excess - oldest.size() < 0) {
                        break;
                    }
                    excess -= oldest.size();
                    deleted += deleteOldest(oldest, now);
                }
            }
            return deleted;
        }
    }

    private int deleteOldest(LogSegment oldest, long now) {
        if (oldest == activeSegment) {
            roll(now);
        }
        deleteSegment(oldest);
        if (logStartOffset < segments.firstBase()) {
            logStartOffset = segments.firstBase();
            epochCache.truncateFromStart(logStartOffset);
            producerState.truncateHead(logStartOffset);
        }
        return 1;
    }

    /** Unlinks the segment now (renamed .deleted) and removes its files after file.delete.delay.ms. */
    private void deleteSegment(LogSegment segment) {
        segments.remove(segment.baseOffset);
        retire(segment);
    }

    /** Renames an unlinked segment's files to .deleted and closes and removes them after file.delete.delay.ms. */
    private void retire(LogSegment segment) {
        try {
            segment.markDeleted();
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot delete " + segment.logFile(), e);
        }
        scheduler.schedule("delete-segment", config.fileDeleteDelayMs(), () -> {
            try {
                segment.closeAndDelete();
            } catch (IOException e) {
                LOG.warn("Cannot remove {}", segment.logFile(), e);
            }
        });
    }

    /**
     * Runs a compaction pass over the whole cleanable part of the log now, whatever its dirty ratio
     * (the log cleaner normally decides when): every key keeps only its latest record, tombstones older
     * than delete.retention.ms are dropped, the active segment is left alone.
     */
    public CleanResult compact(long nowMs) {
        return new LogCompactor(LogCompactor.DEFAULT_MAX_MAP_ENTRIES, () -> closed).clean(this, logStartOffset, nowMs);
    }

    Object cleaningLock() {
        return cleaningLock;
    }

    /**
     * Where the cleanable range ends: the active segment, or the first segment with a record younger
     * than min.compaction.lag.ms.
     */
    long firstUncleanableOffset(long nowMs) {
        LogSegment active = activeSegment;
        long limit = active.baseOffset;
        long firstUndecided = producerState.lastStableOffset(logEndOffset);
        if (firstUndecided < logEndOffset) {
            // An undecided transaction may still abort: its segment and later ones wait, as Kafka's cleaner stops
            // at the last stable offset.
            LogSegment holding = segments.holding(firstUndecided);
            limit = Math.min(limit, holding == null ? limit : holding.baseOffset);
        }
        long minLag = config.minCompactionLagMs();
        if (minLag > 0) {
            for (LogSegment segment : segments.basedBelow(limit)) {
                if (segment.largestTimestamp() > nowMs - minLag) {
                    return segment.baseOffset;
                }
            }
        }
        return limit;
    }

    /** The aborted transactions of producers, by producer id, whose markers sit at or after the offset. */
    Map<Long, List<AbortedTxn>> abortedTransactionsByProducer(long fromOffset) {
        Map<Long, List<AbortedTxn>> byProducer = new HashMap<>();
        for (AbortedTxn txn : abortedTransactions(fromOffset, Long.MAX_VALUE)) {
            byProducer.computeIfAbsent(txn.producerId(), id -> new ArrayList<>()).add(txn);
        }
        return byProducer;
    }

    /** The inactive segments whose base is below the offset, oldest first. */
    List<LogSegment> inactiveSegmentsBelow(long offset) {
        long limit = Math.min(offset, activeSegment.baseOffset);
        return segments.basedBelow(limit);
    }

    /** Base offset of the segment after the one based at base, or the log end offset for the last. */
    long nextSegmentBase(long base) {
        Long next = segments.nextBase(base);
        return next == null ? logEndOffset : next;
    }

    Map<Long, Long> lastBatchOffsetsOfProducers() {
        synchronized (lock) {
            return producerState.lastBatchOffsets();
        }
    }

    /**
     * Swaps a cleaned segment in for the group of segments it was made from. Returns false (changing
     * nothing) when the log was closed or any of them was removed meanwhile. The map update is
     * ordered for lock-free readers: the cleaned segment replaces the first original (it holds every
     * retained record of the group) before the others are unlinked, and unlinked originals stay
     * readable until file.delete.delay.ms has passed.
     */
    boolean replaceSegments(List<LogSegment> originals, LogSegment cleaned) throws IOException {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            for (LogSegment original : originals) {
                if (!segments.contains(original) || original == activeSegment) {
                    return false;
                }
            }
            cleaned.renameSuffix(LogSegment.CLEANED_SUFFIX, LogSegment.SWAP_SUFFIX);
            segments.add(cleaned);
            for (LogSegment original : originals) {
                if (original.baseOffset != cleaned.baseOffset) {
                    segments.remove(original.baseOffset);
                }
            }
            for (LogSegment original : originals) {
                retire(original);
            }
            cleaned.renameSuffix(LogSegment.SWAP_SUFFIX, "");
            return true;
        }
    }

    void recordEarliestDeleteHorizon(long horizonMs) {
        earliestDeleteHorizon = horizonMs;
    }

    /**
     * The earliest time at which a compaction pass could drop a tombstone kept by an earlier pass
     * (Long.MAX_VALUE if none is kept). Found from the batch headers when not known.
     */
    long earliestDeleteHorizon() {
        long known = earliestDeleteHorizon;
        if (known != UNKNOWN_HORIZON) {
            return known;
        }
        long earliest = Long.MAX_VALUE;
        BatchHeader header = new BatchHeader();
        try {
            for (LogSegment segment : inactiveSegmentsBelow(Long.MAX_VALUE)) {
                long position = 0;
                int size = segment.size();
                while (header.read(segment.channel(), position, size)) {
                    if (header.deleteHorizonMs >= 0) {
                        earliest = Math.min(earliest, header.deleteHorizonMs);
                    }
                    position += header.size;
                }
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot scan " + dir, e);
        }
        earliestDeleteHorizon = earliest;
        return earliest;
    }

    /** Total bytes of all segments. */
    public long size() {
        return segments.sizeInBytes();
    }

    public int numberOfSegments() {
        return segments.count();
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return segments.baseOffsets();
    }

    /** Forgets producers idle for longer than producer.id.expiration.ms; see {@link ProducerStateManager}. */
    public int removeExpiredProducers(long expirationMs) {
        synchronized (lock) {
            return producerState.removeExpired(time.milliseconds(), expirationMs);
        }
    }

    public List<ProducerInfo> activeProducers() {
        synchronized (lock) {
            return producerState.activeProducers();
        }
    }

    public void updateConfig(LogConfig config) { this.config = config; }
    public LogConfig config() { return config; }

    /** The partition directory. */
    public Path dir() { return dir; }

    /** How many batch headers opening this log read to rebuild the producer state (0 from a snapshot at the end). */
    long producerBatchesReplayed() {
        return producerBatchesReplayed;
    }

    /** True when opening this log had to scan segments for torn or corrupt data (unclean shutdown). */
    public boolean recoveryRan() { return recoveryRan; }

    /** Offset below which every record is known to be on disk. */
    public long recoveryPoint() { return recoveryPoint; }

    /** Forces everything written so far to disk and advances the recovery point. */
    public void flush() {
        flushUpTo(logEndOffset);
    }

    /** Flushes when flush.ms has passed since the last flush and there is unflushed data. */
    public void flushIfDue(long nowMs) {
        if (logEndOffset > recoveryPoint && nowMs - lastFlushMs >= config.flushMs()) {
            flush();
        }
    }

    private void flushUpTo(long offset) {
        if (offset <= recoveryPoint) {
            return;
        }
        for (LogSegment segment : segments.spanning(recoveryPoint, offset)) {
            try {
                segment.flush();
            } catch (UncheckedIOException e) {
                if (segments.contains(segment)) {
                    throw new KafkaStorageException("Flush of " + segment.logFile() + " failed", e);
                }
            }
        }
        synchronized (lock) {
            if (offset > recoveryPoint) {
                recoveryPoint = offset;
            }
            if (offset >= logEndOffset) {
                unflushedMessages = 0;
            }
        }
        lastFlushMs = time.milliseconds();
    }

    /**
     * Flushes and closes the log after writing a producer-state snapshot at the log end offset, so
     * that a clean restart need not scan the segments.
     */
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            activeSegment.onBecomeInactive();
            flush();
            producerState.writeSnapshot(dir, logEndOffset);
            closed = true;
            for (LogSegment segment : segments.all()) {
                segment.close();
            }
        }
    }

    /** Stops accepting appends; the files stay open for in-flight reads until {@link #closeSegments}. */
    void markDeleted() {
        synchronized (lock) {
            closed = true;
        }
    }

    void closeSegments() {
        for (LogSegment segment : segments.all()) {
            segment.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new KafkaStorageException("Log " + dir + " is closed");
        }
    }

    @Override
    public String toString() {
        return "Log(" + dir + ", start=" + logStartOffset + ", end=" + logEndOffset + ")";
    }
}
