package io.sluice.quorum;

import java.util.List;

/**
 * The metadata quorum as Kafka's DescribeQuorum reports it, in Raft terms: the leader epoch is the Raft term, the
 * high watermark the commit index and a replica's log end offset the index of its last entry known to the leader
 * (-1 when unknown). Voters vote in elections; observers (Raft listeners, the broker-only nodes) only follow the log.
 */
public record QuorumDescription(int leaderId, long leaderEpoch, long highWatermark, List<Replica> voters,
                                List<Replica> observers) {
    public QuorumDescription {
        voters = List.copyOf(voters);
        observers = List.copyOf(observers);
    }

    /**
     * One member. Timestamps are the leader's wall clock in ms, -1 when unknown; {@code host} is null when its
     * Raft address is unknown.
     */
    public record Replica(int replicaId, long logEndOffset, long lastFetchTimestamp, long lastCaughtUpTimestamp,
                          String host, int port) {
    }
}
