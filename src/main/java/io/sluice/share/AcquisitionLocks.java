package io.sluice.share;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * The locks of one share-partition that still hold records, by deadline: what expires next, which locks a member
 * has, and how many records are ACQUIRED in all. A lock is listed from its first held record until its last one
 * is released, so the next deadline is never one that has nothing left to expire.
 *
 * <p>Confined to its share-partition's owner thread.
 */
final class AcquisitionLocks {
    private final NavigableSet<AcquisitionLock> byDeadline = new TreeSet<>(
            Comparator.comparingLong(AcquisitionLock::deadlineMs).thenComparingLong(AcquisitionLock::sequence));
    private long nextSequence;
    private long heldRecords;

    AcquisitionLock newLock(String memberId, long deadlineMs) {
        return new AcquisitionLock(memberId, deadlineMs, nextSequence++);
    }

    void hold(AcquisitionLock lock, long first, long last) {
        if (lock.heldRecords() == 0) {
            byDeadline.add(lock);
        }
        lock.hold(first, last);
        heldRecords += last - first + 1;
    }

    void release(AcquisitionLock lock, long records) {
        lock.release(records);
        heldRecords -= records;
        if (lock.heldRecords() == 0) {
            byDeadline.remove(lock);
        }
    }

    /** Records ACQUIRED under any lock. */
    long heldRecords() {
        return heldRecords;
    }

    /** Locks whose deadline is not after {@code nowMs}: a lock is valid strictly before its deadline. */
    List<AcquisitionLock> dueAt(long nowMs) {
        List<AcquisitionLock> due = new ArrayList<>();
        for (AcquisitionLock lock : byDeadline) {
            if (lock.deadlineMs() > nowMs) {
                break;
            }
            due.add(lock);
        }
        return due;
    }

    List<AcquisitionLock> heldBy(String memberId) {
        List<AcquisitionLock> held = new ArrayList<>();
        for (AcquisitionLock lock : byDeadline) {
            if (lock.memberId().equals(memberId)) {
                held.add(lock);
            }
        }
        return held;
    }

    OptionalLong nextDeadlineMs() {
        return byDeadline.isEmpty() ? OptionalLong.empty() : OptionalLong.of(byDeadline.first().deadlineMs());
    }
}
