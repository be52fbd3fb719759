package io.sluice.protocol.data;

import io.sluice.metadata.PartitionImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;

/**
 * The fencing check of KIP-320: a client or follower names the leader epoch its metadata shows; an older one is
 * fenced, a newer one means this broker has not caught up with the metadata yet. -1 skips the check.
 */
final class CurrentLeaderEpoch {
    private CurrentLeaderEpoch() {
    }

    static void check(PartitionImage partition, TopicPartition tp, int requestEpoch) {
        if (requestEpoch < 0) {
            return;
        }
        if (requestEpoch > partition.leaderEpoch()) {
            throw new UnknownLeaderEpochException("Leader epoch " + requestEpoch + " of " + tp + " is newer than ours");
        }
        if (requestEpoch < partition.leaderEpoch()) {
            throw new FencedLeaderEpochException("Leader epoch " + requestEpoch + " of " + tp + " is fenced");
        }
    }
}
