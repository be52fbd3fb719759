package io.sluice.partition;

/**
 * A follower's progress as its leader sees it. "Caught up" follows Kafka: a fetch at or beyond the leader's
 * log end makes the follower caught up now; a fetch reaching what the log end was at its previous fetch makes
 * it caught up as of that previous fetch. Not thread-safe: guarded by its {@link Partition}.
 */
final class ReplicaState {
    static final long UNKNOWN = -1;

    private long logEndOffset = UNKNOWN;
    private long lastCaughtUpTimeMs;
    private long lastFetchTimeMs;
    private long leaderEndAtLastFetch = UNKNOWN;

    ReplicaState(long startMs) {
        this.lastCaughtUpTimeMs = startMs;
        this.lastFetchTimeMs = startMs;
    }

    void onFetch(long fetchOffset, long leaderLogEnd, long nowMs) {
        if (fetchOffset >= leaderLogEnd) {
            lastCaughtUpTimeMs = nowMs;
        } else if (leaderEndAtLastFetch != UNKNOWN && fetchOffset >= leaderEndAtLastFetch) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        leaderEndAtLastFetch = leaderLogEnd;
        lastFetchTimeMs = nowMs;
    }

    long logEndOffset() {
        return logEndOffset;
    }

    long lastCaughtUpTimeMs() {
        return lastCaughtUpTimeMs;
    }
}
