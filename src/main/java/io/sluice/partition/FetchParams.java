package io.sluice.partition;

/**
 * One partition of a fetch request as {@link Partition#read} takes it. {@code replicaId} is the fetching follower's
 * node id, or negative for a consumer; {@code recordProgress} is false on a long-poll re-read, so that a follower's
 * position is taken from the request once.
 */
public record FetchParams(int replicaId, long fetchOffset, int currentLeaderEpoch, int lastFetchedEpoch, int maxBytes,
                          boolean minOneBatch, boolean recordProgress) {
    public boolean fromFollower() {
        return replicaId >= 0;
    }
}
