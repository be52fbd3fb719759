package io.sluice.share;

/**
 * How strictly an acquisition keeps to the fetch's maximum record count (KIP-1206's share acquire mode).
 *
 * <p>Immutable; usable from any thread.
 */
public enum AcquireMode {
    /**
     * Kafka's default: a fetched batch, once started, is acquired to its end, so a fetch may return more than its
     * maximum rather than split a producer batch the client must then skip through.
     */
    BATCH_OPTIMIZED,
    /** Never more records than the fetch's maximum, even if that splits a batch. */
    RECORD_LIMIT
}
