package io.sluice.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's append-only log: a directory of segments named by base offset.
 * Thread-safety: appends and structural changes (roll, retention, delete records) are serialised
 * by the log; reads run concurrently and only see batches below the published log end offset.
 */
public final class Log {
    private static final Logger LOG = LoggerFactory.getLogger(Log.class);
    /** Per-partition persisted log start offset, written when DeleteRecords moves it inside a segment. */
    static final String LOG_START_OFFSET_FILE = "log-start-offset";
    /** Earliest tombstone delete horizon not known yet (after start-up or a partial pass). */
    static final long UNKNOWN_HORIZON = Long.MIN_VALUE;

    private final Path dir;
    private final Time time;
    private final Scheduler scheduler;
    private final Object lock = new Object();
    /** Serialises compaction passes; never held while waiting for {@link #lock}'s holders. */
    private final Object cleaningLock = new Object();
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    private final ProducerStateManager producerState = new ProducerStateManager();
    private final AppendValidator validator;

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

    private Log(Path dir, LogConfig config, Time time, Scheduler scheduler) {
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.scheduler = scheduler;
        this.validator = new AppendValidator(String.valueOf(dir.getFileName()));
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
        try {
            Files.createDirectories(dir);
            log.load(recoveryPoint, cleanShutdown);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open log in " + dir, e);
        }
        return log;
    }

    private void load(long initialRecoveryPoint, boolean cleanShutdown) throws IOException {
        completeInterruptedCleaning();
        TreeSet<Long> bases = new TreeSet<>();
        TreeSet<Long> snapshots = new TreeSet<>();
        List<Path> indexFiles = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(LogSegment.DELETED_SUFFIX) || name.endsWith(".tmp")) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(LogSegment.LOG_SUFFIX)) {
                    bases.add(parseBase(name, LogSegment.LOG_SUFFIX));
                } else if (name.endsWith(ProducerStateManager.SNAPSHOT_SUFFIX)) {
                    snapshots.add(parseBase(name, ProducerStateManager.SNAPSHOT_SUFFIX));
                } else if (name.endsWith(LogSegment.INDEX_SUFFIX) || name.endsWith(LogSegment.TIME_INDEX_SUFFIX)) {
                    indexFiles.add(file);
                }
            }
        }
        for (Path index : indexFiles) {
            String name = index.getFileName().toString();
            if (!bases.contains(parseBase(name, name.substring(name.lastIndexOf('.'))))) {
                Files.deleteIfExists(index);
            }
        }
        long persistedStart = readLogStartOffset();
        long now = time.milliseconds();
        boolean snapshotLoaded = cleanShutdown && !snapshots.isEmpty()
                && producerState.loadSnapshot(ProducerStateManager.snapshotFile(dir, snapshots.last()));
        int indexInterval = config.indexIntervalBytes();
        Long[] ordered = bases.toArray(new Long[0]);
        for (int i = 0; i < ordered.length; i++) {
            long base = ordered[i];
            LogSegment segment = LogSegment.open(dir, base, now);
            boolean indexesOk = segment.loadIndexes();
            boolean unflushed = i == ordered.length - 1 || ordered[i + 1] > initialRecoveryPoint;
            if (!cleanShutdown && unflushed) {
                recoveryRan = true;
                long truncated = segment.scan(true, true, indexInterval, producerState::replay);
                segments.put(base, segment);
                if (truncated > 0) {
                    LOG.warn("Truncated {} bytes of torn or corrupt data from {}", truncated, segment.logFile());
                    for (int j = i + 1; j < ordered.length; j++) {
                        LogSegment later = LogSegment.open(dir, ordered[j], now);
                        later.closeAndDelete();
                    }
                    break;
                }
            } else {
                if (!snapshotLoaded) {
                    segment.scan(false, !indexesOk, indexInterval, producerState::replay);
                } else if (!indexesOk) {
                    segment.scan(false, true, indexInterval, null);
                } else {
                    segment.loadTrusted(indexInterval);
                }
                segments.put(base, segment);
            }
        }
        if (segments.isEmpty()) {
            long base = Math.max(0, persistedStart);
            segments.put(base, LogSegment.create(dir, base, now));
        }
        activeSegment = segments.lastEntry().getValue();
        logEndOffset = activeSegment.nextOffset();
        if (snapshotLoaded && snapshots.last() != logEndOffset) {
            // The snapshot does not describe this log's end: rebuild from the batch headers instead.
            producerState.clear();
            for (LogSegment segment : segments.values()) {
                segment.scan(false, false, indexInterval, producerState::replay);
            }
        }
        for (long snapshot : snapshots) {
            Files.deleteIfExists(ProducerStateManager.snapshotFile(dir, snapshot));
        }
        logStartOffset = Math.min(Math.max(segments.firstKey(), persistedStart), logEndOffset);
        recoveryPoint = cleanShutdown ? Math.min(initialRecoveryPoint, logEndOffset) : logEndOffset;
        if (!cleanShutdown) {
            flush();
        }
    }

    /**
     * Undoes or finishes a compaction pass cut short by a crash. A ".cleaned" file may be incomplete
     * and is dropped. A ".log.swap" file was fully written and synced before being renamed, so the swap
     * is finished: the originals it covers (every segment based inside its offset range) are removed
     * and it takes the ".log" name. Its indexes are dropped and rebuilt by the normal load.
     */
    private void completeInterruptedCleaning() throws IOException {
        List<Path> swaps = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(LogSegment.CLEANED_SUFFIX)) {
                    Files.deleteIfExists(file);
                } else if (name.endsWith(LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX)) {
                    swaps.add(file);
                } else if (name.endsWith(LogSegment.SWAP_SUFFIX)) {
                    Files.deleteIfExists(file);
                }
            }
        }
        for (Path swap : swaps) {
            String name = swap.getFileName().toString();
            long base = parseBase(name, LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX);
            long next = nextOffsetOf(swap, base);
            List<Path> originals = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String other = file.getFileName().toString();
                    for (String suffix : List.of(LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX)) {
                        if (other.endsWith(suffix)) {
                            long otherBase = parseBase(other, suffix);
                            if (otherBase >= base && (otherBase < next || otherBase == base)) {
                                originals.add(file);
                            }
                        }
                    }
                }
            }
            for (Path original : originals) {
                Files.deleteIfExists(original);
            }
            Files.move(swap, dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX)));
            LOG.info("Completed an interrupted compaction swap of {} in {}", name, dir);
        }
    }

    /** The offset after the last whole batch of a segment file (its base if it has none). */
    private static long nextOffsetOf(Path file, long base) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
            long size = channel.size();
            long position = 0;
            long next = base;
            BatchHeader header = new BatchHeader();
            while (header.read(channel, position, size)) {
                next = header.lastOffset + 1;
                position += header.size;
            }
            return next;
        }
    }

    private static long parseBase(String name, String suffix) {
        String digits = name.substring(0, name.length() - suffix.length());
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private long readLogStartOffset() throws IOException {
        Path file = dir.resolve(LOG_START_OFFSET_FILE);
        if (!Files.exists(file)) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void writeLogStartOffset(long offset) {
        try {
            Path tmp = dir.resolve(LOG_START_OFFSET_FILE + ".tmp");
            Files.writeString(tmp, Long.toString(offset), StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(LOG_START_OFFSET_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot persist log start offset in " + dir, e);
        }
    }

    /**
     * Validates (CRC, sizes vs max.message.bytes, magic v2), checks idempotent sequences, assigns
     * offsets (and LogAppendTime if configured) in place, writes the batches as sent.
     * Throws Kafka ApiExceptions: CorruptRecordException, RecordTooLargeException,
     * InvalidRecordException, OutOfOrderSequenceException, InvalidProducerEpochException /
     * ProducerFencedException, InvalidTimestampException.
     */
    public LogAppendInfo append(MemoryRecords records, int leaderEpoch) {
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
                    ProducerStateEntry.BatchMetadata duplicate = producerState.check(batch, pending);
                    if (duplicate != null) {
                        return new LogAppendInfo(duplicate.firstOffset(), duplicate.lastOffset(),
                                cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? duplicate.timestamp() : -1,
                                logStartOffset, true);
                    }
                    long count = batch.lastOffset() - batch.baseOffset() + 1;
                    ProducerStateManager.stage(pending, producerState.committedView(), batch.producerId(),
                            batch.producerEpoch(), new ProducerStateEntry.BatchMetadata(batch.baseSequence(),
                                    batch.lastSequence(), offset, offset + count - 1,
                                    cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? now : batch.maxTimestamp()));
                }
                offset += batch.lastOffset() - batch.baseOffset() + 1;
            }
            long firstOffset = logEndOffset;
            long lastOffset = offset - 1;
            maybeRoll(validated.sizeInBytes(), validated.maxTimestamp(), lastOffset, now, cfg);
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
            Map<Long, ProducerStateEntry> pending = new HashMap<>();
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
                if (batch.hasProducerId() && !batch.isControlBatch()) {
                    ProducerStateManager.stage(pending, producerState.committedView(), batch.producerId(),
                            batch.producerEpoch(), new ProducerStateEntry.BatchMetadata(batch.baseSequence(),
                                    batch.lastSequence(), batch.baseOffset(), batch.lastOffset(), batch.maxTimestamp()));
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
            ByteBuffer data = records.buffer().duplicate();
            data.position(data.position() + skipBytes);
            data.limit(data.position() + bytes);
            try {
                activeSegment.append(data, batches, cfg.indexIntervalBytes());
            } catch (IOException e) {
                throw new KafkaStorageException("Append to " + activeSegment.logFile() + " failed", e);
            }
            producerState.commit(pending);
            unflushedMessages += next - logEndOffset;
            logEndOffset = next;
            if (unflushedMessages >= cfg.flushMessages()) {
                flush();
            }
            return next;
        }
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
        segments.put(base, next);
        activeSegment = next;
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
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(startOffset);
            while (entry != null) {
                FileSlice slice = entry.getValue().read(startOffset, maxBytes, minOneBatch, Math.min(end, maxOffset));
                if (slice != null) {
                    return new LogReadInfo(slice, start, end);
                }
                entry = segments.higherEntry(entry.getKey());
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Read from " + dir + " failed", e);
        }
        return new LogReadInfo(activeSegment.emptySlice(), start, end);
    }

    /**
     * The leader epoch of the first batch whose last offset is at or after offset, or -1 when the log holds none
     * (offset at or past the end, or below the start).
     */
    public int leaderEpochFrom(long offset) {
        long end = logEndOffset;
        if (offset < logStartOffset || offset >= end) {
            return RecordBatch.NO_PARTITION_LEADER_EPOCH;
        }
        try {
            Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
            while (entry != null) {
                BatchHeader header = entry.getValue().batchFrom(offset);
                if (header != null) {
                    return header.partitionLeaderEpoch;
                }
                entry = segments.higherEntry(entry.getKey());
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Read from " + dir + " failed", e);
        }
        return RecordBatch.NO_PARTITION_LEADER_EPOCH;
    }

    /** The leader epoch of the last batch, or -1 for an empty log. */
    public int lastLeaderEpoch() {
        return leaderEpochFrom(logEndOffset - 1);
    }

    /**
     * Kafka's OffsetsForLeaderEpoch answer computed from this log: the largest leader epoch at or below the requested
     * one that the log holds, and the offset where it ends (the first offset of a later epoch, else the log end).
     * {@code (-1, -1)} when every batch has a later epoch. Leader epochs never decrease along a log, so this is a
     * binary search over offsets reading one batch header per step; no epoch cache is kept.
     */
    public EpochEndOffset endOffsetForEpoch(int epoch) {
        long low = logStartOffset;
        long high = logEndOffset;
        // Invariant: every batch from an offset below low has an epoch <= requested; from high on, later ones.
        while (low < high) {
            long mid = low + (high - low) / 2;
            if (leaderEpochFrom(mid) > epoch) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        if (low <= logStartOffset) {
            return new EpochEndOffset(RecordBatch.NO_PARTITION_LEADER_EPOCH, -1);
        }
        return new EpochEndOffset(leaderEpochFrom(low - 1), low);
    }

    /** The largest leader epoch at or below a requested one and the offset where it ends in a log. */
    public record EpochEndOffset(int epoch, long endOffset) {
    }

    /**
     * Removes every record at or above offset (a batch boundary): a follower drops what it has beyond the point where
     * its log diverged from its leader's. Producer state is rebuilt from the batches that remain.
     */
    public void truncateTo(long offset) {
        synchronized (lock) {
            ensureOpen();
            if (offset >= logEndOffset) {
                return;
            }
            long target = Math.max(offset, logStartOffset);
            LOG.info("Truncating {} from log end offset {} to {}", dir, logEndOffset, target);
            for (LogSegment segment : List.copyOf(segments.tailMap(target, true).values())) {
                if (segment.baseOffset > segments.firstKey()) {
                    deleteSegment(segment);
                }
            }
            int indexInterval = config.indexIntervalBytes();
            LogSegment last = segments.lastEntry().getValue();
            last.truncateTo(target, indexInterval);
            activeSegment = last;
            logEndOffset = last.nextOffset();
            recoveryPoint = Math.min(recoveryPoint, logEndOffset);
            producerState.clear();
            for (LogSegment segment : segments.values()) {
                segment.scan(false, false, indexInterval, producerState::replay);
            }
        }
    }

    public long logStartOffset() { return logStartOffset; }
    public long logEndOffset() { return logEndOffset; }

    /** First record with timestamp >= ts, or null if none. */
    public TimestampOffset offsetForTimestamp(long timestamp) {
        long start = logStartOffset;
        try {
            Long from = segments.floorKey(start);
            for (LogSegment segment : segments.tailMap(from == null ? start : from).values()) {
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
        for (LogSegment segment : segments.values()) {
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
            writeLogStartOffset(offset);
            logStartOffset = offset;
            deleteSegmentsBelowStart();
            return logStartOffset;
        }
    }

    private int deleteSegmentsBelowStart() {
        int deleted = 0;
        while (segments.size() > 1) {
            Map.Entry<Long, LogSegment> second = segments.higherEntry(segments.firstKey());
            if (second.getKey() > logStartOffset) {
                break;
            }
            deleteSegment(segments.firstEntry().getValue());
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
                    LogSegment oldest = segments.firstEntry().getValue();
                    if ((oldest.isEmpty() && oldest == activeSegment) || now - oldest.largestTimestamp() <= cfg.retentionMs()) {
                        break;
                    }
                    deleted += deleteOldest(oldest, now);
                }
            }
            if (cfg.retentionBytes() >= 0) {
                long excess = size() - cfg.retentionBytes();
                while (!segments.isEmpty()) {
                    LogSegment oldest = segments.firstEntry().getValue();
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
        if (logStartOffset < segments.firstKey()) {
            logStartOffset = segments.firstKey();
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
        long minLag = config.minCompactionLagMs();
        if (minLag > 0) {
            for (LogSegment segment : segments.headMap(active.baseOffset).values()) {
                if (segment.largestTimestamp() > nowMs - minLag) {
                    return segment.baseOffset;
                }
            }
        }
        return active.baseOffset;
    }

    /** The inactive segments whose base is below the offset, oldest first. */
    List<LogSegment> inactiveSegmentsBelow(long offset) {
        long limit = Math.min(offset, activeSegment.baseOffset);
        return new ArrayList<>(segments.headMap(limit).values());
    }

    /** Base offset of the segment after the one based at base, or the log end offset for the last. */
    long nextSegmentBase(long base) {
        Long next = segments.higherKey(base);
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
                if (segments.get(original.baseOffset) != original || original == activeSegment) {
                    return false;
                }
            }
            cleaned.renameSuffix(LogSegment.CLEANED_SUFFIX, LogSegment.SWAP_SUFFIX);
            segments.put(cleaned.baseOffset, cleaned);
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
        long total = 0;
        for (LogSegment segment : segments.values()) {
            total += segment.size();
        }
        return total;
    }

    public int numberOfSegments() {
        return segments.size();
    }

    /** Base offsets of the segments, oldest first. */
    public List<Long> segmentBaseOffsets() {
        return new ArrayList<>(segments.keySet());
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
        Long from = segments.floorKey(recoveryPoint);
        for (LogSegment segment : segments.subMap(from == null ? 0L : from, true, offset, false).values()) {
            try {
                segment.flush();
            } catch (UncheckedIOException e) {
                if (segments.containsKey(segment.baseOffset)) {
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
            for (LogSegment segment : segments.values()) {
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
        for (LogSegment segment : segments.values()) {
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
