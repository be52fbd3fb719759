package io.sluice.share;

/**
 * A contiguous run of offsets archived because its delivery count reached the limit (not because a member
 * rejected it), reported so that a caller can copy the records to a dead-letter topic (KIP-1191).
 *
 * <p>Immutable; usable from any thread.
 */
public record DeadLetterRecords(long firstOffset, long lastOffset, int deliveryCount) {
}
