package io.sluice.log;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which leader epoch wrote which part of one partition's log: for each epoch, the first offset written in it
 * (Kafka's LeaderEpochFileCache). Epochs and start offsets both increase along the list. Every change is written
 * to the partition's {@link LeaderEpochCheckpointFile} before the method returns; changes are rare (one per
 * leadership), so the common assign of an epoch already known costs a comparison. Thread-safe.
 */
public final class LeaderEpochCache {
    private final LeaderEpochCheckpointFile checkpoint;
    private final TreeMap<Integer, EpochEntry> epochs = new TreeMap<>();
    private final boolean loadedFromCheckpoint;

    /** Loads the checkpoint of the directory; starts empty when there is none. */
    LeaderEpochCache(LeaderEpochCheckpointFile checkpoint) {
        this.checkpoint = checkpoint;
        List<EpochEntry> stored = checkpoint.read();
        loadedFromCheckpoint = stored != null;
        if (stored != null) {
            for (EpochEntry entry : stored) {
                appendMonotonic(entry);
            }
        }
    }

    /**
     * Records that {@code epoch} starts at {@code startOffset} unless that is already known. An entry that breaks the
     * ordering (an epoch not above the latest, or a start offset not above earlier ones) first removes the entries it
     * conflicts with, as Kafka does. Negative values (batches never stamped) are ignored. Returns whether it changed.
     */
    public synchronized boolean assign(int epoch, long startOffset) {
        if (epoch < 0 || startOffset < 0) {
            return false;
        }
        Map.Entry<Integer, EpochEntry> latest = epochs.lastEntry();
        if (latest != null && latest.getKey() == epoch && startOffset >= latest.getValue().startOffset()) {
            return false;
        }
        appendMonotonic(new EpochEntry(epoch, startOffset));
        flush();
        return true;
    }

    private void appendMonotonic(EpochEntry entry) {
        epochs.values().removeIf(e -> e.epoch() >= entry.epoch() || e.startOffset() >= entry.startOffset());
        epochs.put(entry.epoch(), entry);
    }

    /** Forgets the epochs that start at or after {@code endOffset} (the log was truncated to end there). */
    public synchronized void truncateFromEnd(long endOffset) {
        if (epochs.values().removeIf(e -> e.startOffset() >= endOffset)) {
            flush();
        }
    }

    /**
     * The log now starts at {@code startOffset}: epochs wholly below it go, and the epoch containing it starts there.
     */
    public synchronized void truncateFromStart(long startOffset) {
        EpochEntry containing = null;
        int removed = 0;
        for (Iterator<EpochEntry> it = epochs.values().iterator(); it.hasNext(); ) {
            EpochEntry entry = it.next();
            if (entry.startOffset() > startOffset) {
                break;
            }
            containing = entry;
            it.remove();
            removed++;
        }
        if (containing != null) {
            epochs.put(containing.epoch(), new EpochEntry(containing.epoch(), startOffset));
            if (removed > 1 || containing.startOffset() != startOffset) {
                flush();
            }
        }
    }

    /** Forgets every epoch (the log was emptied). */
    public synchronized void clear() {
        if (!epochs.isEmpty() || !checkpoint.exists()) {
            epochs.clear();
            flush();
        }
    }

    /**
     * Where {@code requestedEpoch} ends, as Kafka's LeaderEpochFileCache.endOffsetFor: for the latest epoch the log
     * end; for an older known epoch, the start of the next one; for an unknown epoch between two known ones, the
     * largest known epoch below it and the start of the one above; for an epoch below every known one, that epoch
     * and the first known start offset. {@link EpochEndOffset#UNDEFINED} for an epoch above every known one, a
     * negative epoch or an empty cache.
     */
    public synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch < 0 || epochs.isEmpty()) {
            return EpochEndOffset.UNDEFINED;
        }
        if (epochs.lastKey() == requestedEpoch) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        Map.Entry<Integer, EpochEntry> higher = epochs.higherEntry(requestedEpoch);
        if (higher == null) {
            return EpochEndOffset.UNDEFINED;
        }
        Map.Entry<Integer, EpochEntry> floor = epochs.floorEntry(requestedEpoch);
        int epoch = floor == null ? requestedEpoch : floor.getKey();
        return new EpochEndOffset(epoch, higher.getValue().startOffset());
    }

    /** False when there was no readable checkpoint to start from. */
    boolean loadedFromCheckpoint() {
        return loadedFromCheckpoint;
    }

    /** The latest epoch, or -1 when none is known. */
    public synchronized int latestEpoch() {
        return epochs.isEmpty() ? EpochEndOffset.UNDEFINED_EPOCH : epochs.lastKey();
    }

    public synchronized List<EpochEntry> entries() {
        return new ArrayList<>(epochs.values());
    }

    private void flush() {
        checkpoint.write(new ArrayList<>(epochs.values()));
    }
}
