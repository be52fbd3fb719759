package io.sluice.replication;

import io.sluice.log.Log;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * What the request handlers need from replication: the high watermark consumers read up to, recording a
 * follower's fetch, and waiting for acks=all. {@link #NONE} is the single-node behaviour: every partition
 * is its own ISR, so the high watermark is the log end offset and nothing ever waits.
 */
public interface Replication {
    Replication NONE = new Replication() {
    };

    /** The offset below which consumers may read a partition led here. */
    default long highWatermark(TopicPartition tp, Log log) {
        return log.logEndOffset();
    }

    /** A follower fetched from offset {@code fetchOffset}, i.e. its log ends there. */
    default void onFollowerFetch(TopicPartition tp, int replicaId, long fetchOffset, Log log) {
    }

    /**
     * For acks=all after an append ending before {@code requiredOffset}: null when no other replica must
     * confirm (the ISR is this node alone), else a future completing with NONE once the high watermark
     * reaches requiredOffset, or with an error (REQUEST_TIMED_OUT, NOT_LEADER_OR_FOLLOWER).
     */
    default CompletableFuture<Errors> awaitHighWatermark(TopicPartition tp, long requiredOffset, long timeoutMs) {
        return null;
    }
}
