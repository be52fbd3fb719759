package io.sluice.share;

/**
 * Contiguous offsets of the in-flight window in one state with one delivery count and, while ACQUIRED, one lock.
 * A range rather than an entry per offset so that a batch acquired and acknowledged together costs one object.
 *
 * <p>Immutable (the lock it points to is not; see {@link AcquisitionLock}). Confined to its share-partition's
 * owner thread.
 *
 * @param lock the lock the records are held under; non-null exactly when ACQUIRED
 */
record InFlightRange(long first, long last, DeliveryState state, int deliveryCount, AcquisitionLock lock) {
    InFlightRange {
        if (last < first) {
            throw new IllegalArgumentException("Empty range " + first + ".." + last);
        }
        if ((state == DeliveryState.ACQUIRED) != (lock != null)) {
            throw new IllegalArgumentException("A range has a lock exactly when it is ACQUIRED: " + state);
        }
    }

    static InFlightRange neverDelivered(long first, long last) {
        return new InFlightRange(first, last, DeliveryState.AVAILABLE, 0, null);
    }

    long size() {
        return last - first + 1;
    }

    InFlightRange withBounds(long newFirst, long newLast) {
        return new InFlightRange(newFirst, newLast, state, deliveryCount, lock);
    }

    /** Whether {@code next} directly follows this range and differs in nothing but its offsets. */
    boolean joinsWith(InFlightRange next) {
        return last + 1 == next.first && state == next.state && deliveryCount == next.deliveryCount
                && lock == next.lock;
    }

    @Override
    public String toString() {
        return first + ".." + last + " " + state + " x" + deliveryCount + (lock == null ? "" : " " + lock);
    }
}
