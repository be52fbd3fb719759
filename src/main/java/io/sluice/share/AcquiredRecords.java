package io.sluice.share;

/**
 * A contiguous run of offsets one acquisition gave a member, all with the same delivery count: what ShareFetch's
 * AcquiredRecords carries (the delivery count is an int16 on the wire; the delivery count limit keeps it small).
 *
 * <p>Immutable; usable from any thread.
 */
public record AcquiredRecords(long firstOffset, long lastOffset, int deliveryCount) {
    public long recordCount() {
        return lastOffset - firstOffset + 1;
    }
}
