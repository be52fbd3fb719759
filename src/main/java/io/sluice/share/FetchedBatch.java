package io.sluice.share;

/**
 * One record batch a fetch read from the partition's log, by its offsets only: the share-partition needs to know
 * which offsets exist and where batches end, not the records.
 *
 * <p>Immutable; usable from any thread.
 */
public record FetchedBatch(long baseOffset, long lastOffset) {
    public FetchedBatch {
        if (baseOffset < 0 || lastOffset < baseOffset) {
            throw new IllegalArgumentException("Invalid batch offsets " + baseOffset + ".." + lastOffset);
        }
    }
}
