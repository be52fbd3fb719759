package io.sluice.partition;

/**
 * One partition of a fetch request as {@link Partition#read} takes it. {@code replicaId} is the fetching follower's
 * node id, or negative for a consumer; {@code recordProgress} is false on a long-poll re-read, so that a follower's
 * position is taken from the request once; {@code readCommitted} is a read_committed consumer's, which reads up to
 * the last stable offset only.
 */
public record FetchParams(int replicaId, long fetchOffset, int currentLeaderEpoch, int lastFetchedEpoch, int maxBytes,
                          boolean minOneBatch, boolean recordProgress, boolean readCommitted) {
    public boolean fromFollower() {
        return replicaId >= 0;
    }
}
