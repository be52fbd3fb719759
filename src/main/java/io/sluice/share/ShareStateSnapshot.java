package io.sluice.share;

import java.util.List;

/**
 * A share-partition's durable state, as WriteShareGroupState and ReadShareGroupState carry it: everything before
 * {@code startOffset} is done, and the state batches describe offsets from there on. An offset at or after the
 * start offset and not in a batch has never been delivered.
 *
 * <p>Immutable; usable from any thread.
 *
 * @param stateEpoch  the epoch a writer of this state writes with; bumped when the state is reset, so that the
 *                    store can fence a writer that still has the old state
 * @param stateBatches ascending, non-overlapping; never ACQUIRED when written by a share-partition
 */
public record ShareStateSnapshot(int stateEpoch, long startOffset, List<StateBatch> stateBatches) {
    public ShareStateSnapshot {
        stateBatches = List.copyOf(stateBatches);
    }

    /** Contiguous offsets that share a delivery state and count. */
    public record StateBatch(long firstOffset, long lastOffset, DeliveryState deliveryState, int deliveryCount) {
        public StateBatch {
            if (firstOffset < 0 || lastOffset < firstOffset || deliveryCount < 0) {
                throw new IllegalArgumentException("Invalid state batch " + firstOffset + ".." + lastOffset
                        + " with delivery count " + deliveryCount);
            }
        }
    }
}
