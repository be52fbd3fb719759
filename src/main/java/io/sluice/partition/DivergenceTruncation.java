package io.sluice.partition;

import io.sluice.log.EpochEndOffset;
import io.sluice.log.Log;

/**
 * Where a follower cuts its log once the leader has said where the follower's last epoch ends on its side
 * (Kafka's KIP-101/KIP-279 rule, fed by the DivergingEpoch of a fetch response, KIP-320). When the leader knows
 * that epoch, the follower keeps what lies below the leader's end of it. When the leader only knows an older epoch,
 * the follower cuts at its own end of that older epoch and the next fetch, sent with the now-latest local epoch,
 * narrows it further: each round removes at least one epoch, so the logs agree after a few round trips.
 */
final class DivergenceTruncation {
    private DivergenceTruncation() {
    }

    /**
     * The offset to truncate to, given the leader's answer, the follower's own end of the epoch the leader named
     * and the follower's log end. Never above the follower's log end.
     */
    static long target(EpochEndOffset leader, EpochEndOffset followerEndOfLeaderEpoch, long followerLogEnd) {
        if (leader.endOffset() < 0) {
            return followerLogEnd;
        }
        if (leader.epoch() >= 0 && !followerEndOfLeaderEpoch.isUndefined()
                && followerEndOfLeaderEpoch.epoch() != leader.epoch()) {
            // The follower never had the leader's epoch: everything after its own older epoch is suspect.
            return Math.min(followerEndOfLeaderEpoch.endOffset(), followerLogEnd);
        }
        return Math.min(leader.endOffset(), followerLogEnd);
    }

    /** Truncates the follower's log per {@link #target}; returns how many offsets were removed. */
    static long apply(Log follower, EpochEndOffset leader) {
        EpochEndOffset own = leader.epoch() >= 0 ? follower.endOffsetForEpoch(leader.epoch()) : EpochEndOffset.UNDEFINED;
        return follower.truncateTo(target(leader, own, follower.logEndOffset()));
    }
}
