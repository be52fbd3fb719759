package io.sluice.log;

/**
 * The answer to "where does epoch E end": the largest epoch at or below E this log knows and the offset after its
 * last record (the start of the next epoch, or the log end for the latest). {@link #UNDEFINED} when the log knows
 * no such epoch.
 */
public record EpochEndOffset(int epoch, long endOffset) {
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_OFFSET = -1L;
    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);

    public boolean isUndefined() {
        return epoch == UNDEFINED_EPOCH || endOffset == UNDEFINED_OFFSET;
    }
}
