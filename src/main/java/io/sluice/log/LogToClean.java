package io.sluice.log;

import org.apache.kafka.common.TopicPartition;

/**
 * How dirty one compacted log is, for the cleaner's choice: bytes of inactive segments below the
 * cleaner checkpoint (clean) and from it to the first uncleanable offset (cleanable).
 */
record LogToClean(TopicPartition partition, Log log, long firstDirtyOffset, long cleanBytes, long cleanableBytes,
                  boolean compactionLagExceeded) {

    static LogToClean of(TopicPartition partition, Log log, long firstDirtyOffset, long nowMs) {
        long uncleanable = log.firstUncleanableOffset(nowMs);
        long clean = 0;
        long cleanable = 0;
        long firstDirtySegmentTimestamp = -1;
        for (LogSegment segment : log.inactiveSegmentsBelow(uncleanable)) {
            if (log.nextSegmentBase(segment.baseOffset) <= firstDirtyOffset) {
                clean += segment.size();
            } else {
                if (firstDirtySegmentTimestamp < 0 && !segment.isEmpty()) {
                    firstDirtySegmentTimestamp = segment.firstBatchTimestamp();
                }
                cleanable += segment.size();
            }
        }
        long maxLag = log.config().maxCompactionLagMs();
        boolean lagExceeded = maxLag < Long.MAX_VALUE && firstDirtySegmentTimestamp >= 0
                && nowMs - firstDirtySegmentTimestamp > maxLag;
        return new LogToClean(partition, log, firstDirtyOffset, clean, cleanable, lagExceeded);
    }

    /** cleanable / (clean + cleanable), 0 for a log with nothing inactive. */
    double dirtyRatio() {
        long total = cleanBytes + cleanableBytes;
        return total == 0 ? 0 : (double) cleanableBytes / total;
    }

    /**
     * Worth a pass now: dirty enough (min.cleanable.dirty.ratio), holding records older than
     * max.compaction.lag.ms, or holding tombstones whose delete horizon has passed.
     */
    boolean shouldClean(long nowMs) {
        if (cleanableBytes > 0 && (dirtyRatio() >= log.config().minCleanableDirtyRatio() || compactionLagExceeded)) {
            return true;
        }
        return log.earliestDeleteHorizon() <= nowMs;
    }
}
