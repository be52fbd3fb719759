package io.sluice.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a partition's log directory before the {@link Log} serves it: finishes or drops a compaction pass a crash cut
 * short, deletes leftovers (".deleted", ".tmp", orphaned indexes), opens the segments, and after an unclean
 * shutdown recovers every segment past the recovery point (CRC-checked scan, truncated at the first torn or corrupt
 * batch, later segments dropped). It restores the producer state (snapshot, or a replay of the batch headers) and
 * makes the leader-epoch cache agree with what survived.
 *
 * <p>Threading: used once, by the thread opening the log, before anyone else sees it.
 */
final class LogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    /** Where the loaded log starts and ends, up to where it is known flushed, and whether recovery had to run. */
    /** What loading found; {@code producerBatchesReplayed} counts the batch headers read for the producer state. */
    record Loaded(long logStartOffset, long logEndOffset, long recoveryPoint, boolean recoveryRan,
                  long producerBatchesReplayed) {
    }

    private final Path dir;
    private final int indexIntervalBytes;
    private final Time time;
    private final LogSegments segments;
    private final ProducerStateManager producerState;
    private long producerBatchesReplayed;
    private final LeaderEpochCache epochCache;
    private boolean recoveryRan;

    LogLoader(Path dir, int indexIntervalBytes, Time time, LogSegments segments, ProducerStateManager producerState,
              LeaderEpochCache epochCache) {
        this.dir = dir;
        this.indexIntervalBytes = indexIntervalBytes;
        this.time = time;
        this.segments = segments;
        this.producerState = producerState;
        this.epochCache = epochCache;
    }

    /**
     * Fills the segments, producer state and epoch cache from the directory (which must exist). With cleanShutdown
     * false, every segment holding offsets at or after initialRecoveryPoint is scanned and recovered.
     */
    Loaded load(long initialRecoveryPoint, boolean cleanShutdown) throws IOException {
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
                } else if (name.endsWith(LogSegment.INDEX_SUFFIX) || name.endsWith(LogSegment.TIME_INDEX_SUFFIX)
                        || name.endsWith(TransactionIndex.SUFFIX)) {
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
        long persistedStart = LogStartOffsetFile.read(dir);
        long now = time.milliseconds();
        long snapshotOffset = chooseSnapshot(cleanShutdown, snapshots, bases, initialRecoveryPoint);
        boolean snapshotLoaded = snapshotOffset >= 0
                && producerState.loadSnapshot(ProducerStateManager.snapshotFile(dir, snapshotOffset));
        int indexInterval = indexIntervalBytes;
        Long[] ordered = bases.toArray(new Long[0]);
        for (int i = 0; i < ordered.length; i++) {
            long base = ordered[i];
            LogSegment segment = LogSegment.open(dir, base, now);
            boolean indexesOk = segment.loadIndexes();
            boolean unflushed = i == ordered.length - 1 || ordered[i + 1] > initialRecoveryPoint;
            if (!cleanShutdown && unflushed) {
                recoveryRan = true;
                // Its aborted-transaction entries are rebuilt from the markers that survive.
                segment.txnIndex().reset();
                long truncated = segment.scan(true, true, indexInterval, header -> replayRecovered(segment, header));
                segments.add(segment);
                if (truncated > 0) {
                    LOG.warn("Truncated {} bytes of torn or corrupt data from {}", truncated, segment.logFile());
                    for (int j = i + 1; j < ordered.length; j++) {
                        LogSegment later = LogSegment.open(dir, ordered[j], now);
                        later.closeAndDelete();
                    }
                    break;
                }
            } else {
                if (!snapshotLoaded || base >= snapshotOffset) {
                    // The producer state as of the snapshot, then of every batch after it.
                    segment.scan(false, !indexesOk, indexInterval, this::replay);
                } else if (!indexesOk) {
                    segment.scan(false, true, indexInterval, null);
                } else {
                    segment.loadTrusted(indexInterval);
                }
                segments.add(segment);
            }
        }
        if (segments.isEmpty()) {
            long base = Math.max(0, persistedStart);
            segments.add(LogSegment.create(dir, base, now));
        }
        long logEndOffset = segments.last().nextOffset();
        if (snapshotLoaded && (cleanShutdown ? snapshotOffset != logEndOffset : snapshotOffset > logEndOffset)) {
            // The snapshot does not describe this log (its end, or a torn tail cut below it): rebuild instead.
            producerState.clear();
            for (LogSegment segment : segments.all()) {
                segment.scan(false, false, indexInterval, this::replay);
            }
        }
        // Snapshots taken at segment rolls stay for the next crash; the one written at close is stale once
        // anything is appended.
        for (long snapshot : snapshots) {
            if (!segments.baseOffsets().contains(snapshot) || snapshot > logEndOffset) {
                Files.deleteIfExists(ProducerStateManager.snapshotFile(dir, snapshot));
            }
        }
        long logStartOffset = Math.min(Math.max(segments.firstBase(), persistedStart), logEndOffset);
        long recoveryPoint = cleanShutdown ? Math.min(initialRecoveryPoint, logEndOffset) : logEndOffset;
        loadLeaderEpochs(logStartOffset, logEndOffset);
        return new Loaded(logStartOffset, logEndOffset, recoveryPoint, recoveryRan, producerBatchesReplayed);
    }

    /**
     * The producer-state snapshot to start from, or -1: after a clean shutdown the newest (written at close);
     * after a crash the newest taken at a segment roll at or below the recovery point, so that only the segments
     * from there on are replayed rather than the whole log.
     */
    private static long chooseSnapshot(boolean cleanShutdown, TreeSet<Long> snapshots, TreeSet<Long> bases,
                                       long recoveryPoint) {
        if (cleanShutdown) {
            return snapshots.isEmpty() ? -1 : snapshots.last();
        }
        for (Long snapshot : snapshots.descendingSet()) {
            if (snapshot <= recoveryPoint && bases.contains(snapshot)) {
                return snapshot;
            }
        }
        return -1;
    }

    private void replay(BatchHeader header) {
        producerState.replay(header);
        producerBatchesReplayed++;
    }

    /** A batch that survived recovery: its producer state, its abort if a marker, the leader epoch that wrote it. */
    private void replayRecovered(LogSegment segment, BatchHeader header) {
        AbortedTxn aborted = producerState.replay(header);
        producerBatchesReplayed++;
        if (aborted != null) {
            segment.txnIndex().append(aborted);
        }
        epochCache.assign(header.partitionLeaderEpoch, header.baseOffset);
    }

    /**
     * Makes the leader-epoch cache agree with the loaded log: without a checkpoint (a log written before epochs
     * were kept) it is rebuilt from the batch headers; otherwise epochs starting past the recovered end (their
     * records were lost in a crash) and below the log start are dropped.
     */
    private void loadLeaderEpochs(long logStartOffset, long logEndOffset) {
        if (!epochCache.loadedFromCheckpoint()) {
            epochCache.clear();
            segments.forEachBatchHeader("leader epochs",
                    header -> epochCache.assign(header.partitionLeaderEpoch, header.baseOffset));
        }
        epochCache.truncateFromEnd(logEndOffset);
        epochCache.truncateFromStart(logStartOffset);
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
                }
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                boolean cleanedTxnIndex = name.endsWith(TransactionIndex.SUFFIX + LogSegment.SWAP_SUFFIX)
                        && Files.exists(dir.resolve(name.replace(TransactionIndex.SUFFIX, LogSegment.LOG_SUFFIX)));
                if (name.endsWith(LogSegment.SWAP_SUFFIX) && !name.endsWith(LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX)
                        && !cleanedTxnIndex) {
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
                    for (String suffix : List.of(LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX,
                            LogSegment.TIME_INDEX_SUFFIX, TransactionIndex.SUFFIX)) {
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
            // The cleaned segment's aborted-transaction entries, renamed before its .log (the offset and time
            // indexes are rebuilt instead).
            Path txnSwap = dir.resolve(LogSegment.fileName(base, TransactionIndex.SUFFIX) + LogSegment.SWAP_SUFFIX);
            if (Files.exists(txnSwap)) {
                Files.move(txnSwap, dir.resolve(LogSegment.fileName(base, TransactionIndex.SUFFIX)));
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
}
