package io.sluice.share;

/**
 * One member's hold on the records one acquisition (or one RENEW) gave it, until a deadline. Records share a
 * lock object rather than each carrying a deadline, so expiry is found per lock in {@link AcquisitionLocks}.
 *
 * <p>Confined to its share-partition's owner thread; only {@link AcquisitionLocks} changes it.
 */
final class AcquisitionLock {
    private final String memberId;
    private final long deadlineMs;
    private final long sequence;
    private long heldRecords;
    // The offsets this lock has ever covered: where to look for its records, which may be fewer by now.
    private long lowestOffset = Long.MAX_VALUE;
    private long highestOffset = Long.MIN_VALUE;

    AcquisitionLock(String memberId, long deadlineMs, long sequence) {
        this.memberId = memberId;
        this.deadlineMs = deadlineMs;
        this.sequence = sequence;
    }

    String memberId() {
        return memberId;
    }

    long deadlineMs() {
        return deadlineMs;
    }

    /** Orders locks with the same deadline by creation, so that a sorted set keeps them all. */
    long sequence() {
        return sequence;
    }

    long heldRecords() {
        return heldRecords;
    }

    long lowestOffset() {
        return lowestOffset;
    }

    long highestOffset() {
        return highestOffset;
    }

    void hold(long first, long last) {
        heldRecords += last - first + 1;
        lowestOffset = Math.min(lowestOffset, first);
        highestOffset = Math.max(highestOffset, last);
    }

    void release(long records) {
        if (records > heldRecords) {
            throw new IllegalStateException("Releasing " + records + " of " + heldRecords + " records of " + this);
        }
        heldRecords -= records;
    }

    @Override
    public String toString() {
        return "lock(" + memberId + " until " + deadlineMs + ")";
    }
}
