package io.sluice.log;

/**
 * Outcome of one append. For a duplicate idempotent batch, the offsets are those the batch got
 * when it was first written and {@code duplicate} is true; nothing new was stored.
 * logAppendTime is -1 unless the topic uses LogAppendTime.
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
                            boolean duplicate) {
}
