package io.sluice.share;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.common.protocol.Errors;

/**
 * The delivery state of one topic-partition for one share group (KIP-932): which of its records the group's
 * members hold, which are to be (re)delivered, and which are done.
 *
 * <p>It owns the in-flight window, from the start offset (every record before it is acknowledged or archived) to
 * the end offset (the first offset never acquired), with a {@link DeliveryState} and delivery count per record,
 * and the acquisition locks: a record a fetch delivers is ACQUIRED by that member for
 * {@link SharePartitionConfig#recordLockDurationMs()}, and only that member may acknowledge it while the lock
 * holds. A record released, or whose lock expired or whose member left, goes back to AVAILABLE and is delivered
 * again, unless it has been delivered {@link SharePartitionConfig#deliveryCountLimit()} times: then it is archived
 * and reported to the dead-letter listener. The start offset moves past acknowledged and archived records as soon
 * as nothing before them is pending; they are forgotten. At most {@link SharePartitionConfig#maxRecordLocks()}
 * records are ACQUIRED at once.
 *
 * <p>The owner reads the log and hands over what it read: fetch from {@link #nextFetchOffset()} (the lowest offset
 * to redeliver, else the end offset), pass the batches to {@link #acquire}, answer with the ranges it returns.
 * A lock is valid strictly before its deadline; every changing call first expires the locks past theirs, and the
 * owner schedules a timer at {@link #nextLockDeadlineMs()} that calls {@link #expireLocks()} so that expired
 * records become deliverable without waiting for the next call. {@link #snapshot()} and {@link #restore} are the
 * persistence boundary (WriteShareGroupState / ReadShareGroupState); locks do not survive them.
 *
 * <p>Threading rule: not thread-safe. The owner makes every call on one thread at a time; the dead-letter listener
 * runs on that thread at the end of the call that archived the records, with the state already consistent.
 */
public final class SharePartition {
    private final InFlightRecords inFlight;
    private final AcquisitionLocks locks = new AcquisitionLocks();
    private final LongSupplier clockMs;
    private final Consumer<DeadLetterRecords> deadLetterListener;
    private final List<DeadLetterRecords> deadLettersOfThisCall = new ArrayList<>();
    private SharePartitionConfig config;
    private int stateEpoch;

    private SharePartition(int stateEpoch, long startOffset, SharePartitionConfig config, LongSupplier clockMs,
                           Consumer<DeadLetterRecords> deadLetterListener) {
        if (startOffset < 0) {
            throw new IllegalArgumentException("Negative start offset " + startOffset);
        }
        this.stateEpoch = stateEpoch;
        this.inFlight = new InFlightRecords(startOffset);
        this.config = Objects.requireNonNull(config);
        this.clockMs = Objects.requireNonNull(clockMs);
        this.deadLetterListener = Objects.requireNonNull(deadLetterListener);
    }

    /**
     * A share-partition the group has no state for yet, starting where {@code share.auto.offset.reset} says: the
     * partition's log end offset for {@code latest}, its log start offset for {@code earliest}. State epoch 0.
     *
     * @param clockMs            the time locks are taken and expired by, in milliseconds
     * @param deadLetterListener told of records archived at the delivery count limit
     */
    public static SharePartition startingAt(long startOffset, SharePartitionConfig config, LongSupplier clockMs,
                                            Consumer<DeadLetterRecords> deadLetterListener) {
        return new SharePartition(0, startOffset, config, clockMs, deadLetterListener);
    }

    /**
     * The share-partition a snapshot describes. State batches before the start offset are ignored (the start
     * offset says they are done); ACQUIRED is read as AVAILABLE, because no lock survives a restart; offsets
     * between batches are records never delivered. AVAILABLE records whose delivery count already reached the
     * limit are archived at once and reported to the listener before this returns.
     *
     * @throws IllegalArgumentException if state batches overlap
     */
    public static SharePartition restore(ShareStateSnapshot snapshot, SharePartitionConfig config,
                                         LongSupplier clockMs, Consumer<DeadLetterRecords> deadLetterListener) {
        SharePartition partition = new SharePartition(snapshot.stateEpoch(), snapshot.startOffset(), config,
                clockMs, deadLetterListener);
        partition.load(snapshot.stateBatches());
        return partition;
    }

    /**
     * Acquires for {@code memberId} what it may have of the records a fetch read: AVAILABLE offsets in the window
     * and offsets past the end offset, in offset order, up to {@code maxRecords} (see {@link AcquireMode}) and
     * the lock limit. Offsets before the start offset, held by a member or final are skipped; offsets past the end
     * offset that no fetched batch contains are not in the log and are archived without delivery.
     *
     * @param fetchedBatches ascending and non-overlapping, as a log read from {@link #nextFetchOffset()} (or from
     *                       anywhere not after the end offset) returned them, so that offsets past the end
     *                       offset between them are known to be absent from the log; the first may start before
     *                       the offset the read was for
     * @return ascending, non-overlapping runs of the acquired offsets, each with its delivery count
     */
    public List<AcquiredRecords> acquire(String memberId, List<FetchedBatch> fetchedBatches, int maxRecords,
                                         AcquireMode mode) {
        Objects.requireNonNull(memberId);
        Objects.requireNonNull(mode);
        requireAscending(fetchedBatches);
        long nowMs = clockMs.getAsLong();
        expireLocksAt(nowMs);
        Acquisition acquisition = new Acquisition(memberId, nowMs + config.recordLockDurationMs());
        long recordBudget = maxRecords;
        for (FetchedBatch batch : fetchedBatches) {
            long lockBudget = config.maxRecordLocks() - locks.heldRecords();
            if (recordBudget <= 0 || lockBudget <= 0) {
                break;
            }
            long limit = mode == AcquireMode.RECORD_LIMIT ? Math.min(recordBudget, lockBudget) : lockBudget;
            recordBudget -= acquireFromBatch(batch, limit, acquisition);
        }
        endOfCall();
        return List.copyOf(acquisition.acquired);
    }

    /**
     * Applies each acknowledgement range for {@code memberId}, independently: a range applies entirely or not at
     * all. ACCEPT acknowledges, RELEASE makes the records available again (archived at the delivery count limit),
     * REJECT archives, RENEW gives the member a fresh lock on them.
     *
     * @return per range, in order: NONE; INVALID_REQUEST if it is malformed; INVALID_RECORD_STATE unless every
     *         offset in it is ACQUIRED by {@code memberId} under a lock that has not expired
     */
    public List<Errors> acknowledge(String memberId, List<AcknowledgementBatch> batches) {
        Objects.requireNonNull(memberId);
        long nowMs = clockMs.getAsLong();
        expireLocksAt(nowMs);
        List<Errors> results = new ArrayList<>(batches.size());
        for (AcknowledgementBatch batch : batches) {
            results.add(acknowledgeBatch(memberId, batch, nowMs));
        }
        endOfCall();
        return results;
    }

    /**
     * Gives back every record whose lock has expired by now, as a RELEASE would.
     *
     * @return how many records were given back
     */
    public long expireLocks() {
        long released = expireLocksAt(clockMs.getAsLong());
        endOfCall();
        return released;
    }

    /**
     * Gives back every record {@code memberId} holds, as a RELEASE would: for a member that left the group or was
     * fenced.
     *
     * @return how many records were given back
     */
    public long releaseAll(String memberId) {
        expireLocksAt(clockMs.getAsLong());
        long released = 0;
        for (AcquisitionLock lock : locks.heldBy(memberId)) {
            released += releaseLock(lock);
        }
        endOfCall();
        return released;
    }

    /** When the earliest lock still holding records expires; empty when no record is ACQUIRED. */
    public OptionalLong nextLockDeadlineMs() {
        return locks.nextDeadlineMs();
    }

    /**
     * Forgets all delivery state and restarts the window at {@code offset} (AlterShareGroupOffsets), bumping the
     * state epoch so that the state store can fence a writer of the state from before the reset.
     *
     * @return NONE; NON_EMPTY_GROUP, changing nothing, while any member holds records
     */
    public Errors resetStartOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("Negative start offset " + offset);
        }
        expireLocksAt(clockMs.getAsLong());
        Errors result = Errors.NON_EMPTY_GROUP;
        if (locks.heldRecords() == 0) {
            inFlight.reset(offset);
            stateEpoch++;
            result = Errors.NONE;
        }
        endOfCall();
        return result;
    }

    /**
     * Applies new settings from now on: locks already taken keep their deadline; a lowered delivery count limit
     * archives (and reports) AVAILABLE records that reached it; a lowered lock limit stops acquisition until
     * enough records are released.
     */
    public void reconfigure(SharePartitionConfig newConfig) {
        config = Objects.requireNonNull(newConfig);
        archiveExhausted();
        endOfCall();
    }

    /**
     * The durable form of the state: the start offset and the window's records as state batches, neighbours with
     * equal state and delivery count merged. ACQUIRED records are written as AVAILABLE with their delivery count,
     * which already counts the delivery in progress: after a restart they are redelivered, as if their lock had
     * expired.
     */
    public ShareStateSnapshot snapshot() {
        List<ShareStateSnapshot.StateBatch> batches = new ArrayList<>();
        for (InFlightRange range : inFlight.ranges()) {
            DeliveryState state = range.state() == DeliveryState.ACQUIRED ? DeliveryState.AVAILABLE : range.state();
            int last = batches.size() - 1;
            ShareStateSnapshot.StateBatch previous = last < 0 ? null : batches.get(last);
            if (previous != null && previous.lastOffset() + 1 == range.first()
                    && previous.deliveryState() == state && previous.deliveryCount() == range.deliveryCount()) {
                batches.set(last, new ShareStateSnapshot.StateBatch(previous.firstOffset(), range.last(), state,
                        range.deliveryCount()));
            } else {
                batches.add(new ShareStateSnapshot.StateBatch(range.first(), range.last(), state,
                        range.deliveryCount()));
            }
        }
        return new ShareStateSnapshot(stateEpoch, inFlight.startOffset(), batches);
    }

    /** Every offset before this is acknowledged or archived. */
    public long startOffset() {
        return inFlight.startOffset();
    }

    /** The first offset that has never entered the window (exclusive end of the window). */
    public long endOffset() {
        return inFlight.endOffset();
    }

    /** Where the next fetch should read from: the lowest AVAILABLE offset, else the end offset. */
    public long nextFetchOffset() {
        return inFlight.firstAvailableOffset().orElse(inFlight.endOffset());
    }

    public int stateEpoch() {
        return stateEpoch;
    }

    public SharePartitionConfig config() {
        return config;
    }

    /** Records ACQUIRED by any member, expired locks included until they are expired. */
    public long acquiredRecordCount() {
        return locks.heldRecords();
    }

    /** Whether the lock limit leaves room for another acquisition. */
    public boolean canAcquire() {
        return locks.heldRecords() < config.maxRecordLocks();
    }

    /** The window as ranges, in offset order, for tests. */
    List<InFlightRange> inFlight() {
        return inFlight.ranges();
    }

    private long acquireFromBatch(FetchedBatch batch, long limit, Acquisition acquisition) {
        long first = Math.max(batch.baseOffset(), inFlight.startOffset());
        if (first > batch.lastOffset()) {
            return 0;
        }
        long taken = 0;
        long lastInWindow = Math.min(batch.lastOffset(), inFlight.endOffset() - 1);
        if (first <= lastInWindow) {
            taken += acquireAvailable(first, lastInWindow, limit, acquisition);
        }
        long end = inFlight.endOffset();
        if (batch.lastOffset() >= end && taken < limit) {
            long newFirst = Math.max(batch.baseOffset(), end);
            long newLast = Math.min(batch.lastOffset(), newFirst + (limit - taken) - 1);
            inFlight.append(InFlightRange.neverDelivered(end, newLast));
            if (newFirst > end) {
                inFlight.update(end, newFirst - 1, part -> move(part, DeliveryState.ARCHIVED, part.deliveryCount(),
                        null));
            }
            taken += acquireAvailable(newFirst, newLast, limit - taken, acquisition);
        }
        return taken;
    }

    private long acquireAvailable(long first, long last, long limit, Acquisition acquisition) {
        long remaining = limit;
        for (InFlightRange range : inFlight.overlapping(first, last)) {
            if (remaining == 0) {
                break;
            }
            if (range.state() != DeliveryState.AVAILABLE) {
                continue;
            }
            long from = Math.max(range.first(), first);
            long to = Math.min(Math.min(range.last(), last), from + remaining - 1);
            AcquisitionLock lock = acquisition.lock();
            inFlight.update(from, to, part -> {
                InFlightRange acquired = move(part, DeliveryState.ACQUIRED, part.deliveryCount() + 1, lock);
                acquisition.add(acquired);
                return acquired;
            });
            remaining -= to - from + 1;
        }
        return limit - remaining;
    }

    private Errors acknowledgeBatch(String memberId, AcknowledgementBatch batch, long nowMs) {
        if (!batch.isWellFormed()) {
            return Errors.INVALID_REQUEST;
        }
        if (!heldBy(memberId, batch.firstOffset(), batch.lastOffset())) {
            return Errors.INVALID_RECORD_STATE;
        }
        long runFirst = batch.firstOffset();
        while (runFirst <= batch.lastOffset()) {
            AcknowledgeType type = batch.typeAt(runFirst);
            long runLast = runFirst;
            while (runLast < batch.lastOffset() && batch.typeAt(runLast + 1) == type) {
                runLast++;
            }
            applyAcknowledgement(memberId, type, runFirst, runLast, nowMs);
            runFirst = runLast + 1;
        }
        return Errors.NONE;
    }

    private boolean heldBy(String memberId, long first, long last) {
        if (first < inFlight.startOffset() || last >= inFlight.endOffset()) {
            return false;
        }
        for (InFlightRange range : inFlight.overlapping(first, last)) {
            if (range.state() != DeliveryState.ACQUIRED || !range.lock().memberId().equals(memberId)) {
                return false;
            }
        }
        return true;
    }

    private void applyAcknowledgement(String memberId, AcknowledgeType type, long first, long last, long nowMs) {
        switch (type) {
            case ACCEPT -> inFlight.update(first, last,
                    part -> move(part, DeliveryState.ACKNOWLEDGED, part.deliveryCount(), null));
            case REJECT -> inFlight.update(first, last,
                    part -> move(part, DeliveryState.ARCHIVED, part.deliveryCount(), null));
            case RELEASE -> inFlight.update(first, last, this::release);
            case RENEW -> {
                AcquisitionLock renewed = locks.newLock(memberId, nowMs + config.recordLockDurationMs());
                inFlight.update(first, last,
                        part -> move(part, DeliveryState.ACQUIRED, part.deliveryCount(), renewed));
            }
        }
    }

    private long expireLocksAt(long nowMs) {
        long released = 0;
        for (AcquisitionLock lock : locks.dueAt(nowMs)) {
            released += releaseLock(lock);
        }
        return released;
    }

    /** Releases the records {@code lock} still holds; returns how many. */
    private long releaseLock(AcquisitionLock lock) {
        long first = Math.max(lock.lowestOffset(), inFlight.startOffset());
        long last = Math.min(lock.highestOffset(), inFlight.endOffset() - 1);
        long released = 0;
        for (InFlightRange range : inFlight.overlapping(first, last)) {
            if (range.lock() == lock) {
                inFlight.update(range.first(), range.last(), this::release);
                released += range.size();
            }
        }
        return released;
    }

    /** An ACQUIRED range given back: redelivered, unless it has been delivered as often as allowed. */
    private InFlightRange release(InFlightRange part) {
        if (part.deliveryCount() >= config.deliveryCountLimit()) {
            deadLetter(part);
            return move(part, DeliveryState.ARCHIVED, part.deliveryCount(), null);
        }
        return move(part, DeliveryState.AVAILABLE, part.deliveryCount(), null);
    }

    /**
     * The one way a record's state changes: checks the transition and keeps the lock bookkeeping (who holds
     * what, how many records are ACQUIRED) in step with the ranges.
     */
    private InFlightRange move(InFlightRange part, DeliveryState next, int deliveryCount, AcquisitionLock lock) {
        part.state().transitionTo(next);
        if (part.lock() != null) {
            locks.release(part.lock(), part.size());
        }
        if (lock != null) {
            locks.hold(lock, part.first(), part.last());
        }
        return new InFlightRange(part.first(), part.last(), next, deliveryCount, lock);
    }

    private void load(List<ShareStateSnapshot.StateBatch> stateBatches) {
        List<ShareStateSnapshot.StateBatch> sorted = new ArrayList<>(stateBatches);
        sorted.sort(Comparator.comparingLong(ShareStateSnapshot.StateBatch::firstOffset));
        for (ShareStateSnapshot.StateBatch batch : sorted) {
            if (batch.lastOffset() < inFlight.startOffset()) {
                continue;
            }
            long first = Math.max(batch.firstOffset(), inFlight.startOffset());
            if (first < inFlight.endOffset()) {
                throw new IllegalArgumentException("State batch " + batch + " overlaps the one before it");
            }
            if (first > inFlight.endOffset()) {
                inFlight.append(InFlightRange.neverDelivered(inFlight.endOffset(), first - 1));
            }
            DeliveryState state = batch.deliveryState() == DeliveryState.ACQUIRED
                    ? DeliveryState.AVAILABLE : batch.deliveryState();
            inFlight.append(new InFlightRange(first, batch.lastOffset(), state, batch.deliveryCount(), null));
        }
        archiveExhausted();
        endOfCall();
    }

    /** Archives AVAILABLE records that may not be delivered again, so that AVAILABLE always means deliverable. */
    private void archiveExhausted() {
        for (InFlightRange range : inFlight.ranges()) {
            if (range.state() == DeliveryState.AVAILABLE && range.deliveryCount() >= config.deliveryCountLimit()) {
                inFlight.update(range.first(), range.last(), part -> {
                    deadLetter(part);
                    return move(part, DeliveryState.ARCHIVED, part.deliveryCount(), null);
                });
            }
        }
    }

    private void deadLetter(InFlightRange part) {
        int last = deadLettersOfThisCall.size() - 1;
        DeadLetterRecords previous = last < 0 ? null : deadLettersOfThisCall.get(last);
        if (previous != null && previous.lastOffset() + 1 == part.first()
                && previous.deliveryCount() == part.deliveryCount()) {
            deadLettersOfThisCall.set(last,
                    new DeadLetterRecords(previous.firstOffset(), part.last(), part.deliveryCount()));
        } else {
            deadLettersOfThisCall.add(new DeadLetterRecords(part.first(), part.last(), part.deliveryCount()));
        }
    }

    /** Settles the window and only then tells the listener, so that it sees (and may call) a consistent partition. */
    private void endOfCall() {
        inFlight.dropFinalPrefix();
        if (deadLettersOfThisCall.isEmpty()) {
            return;
        }
        List<DeadLetterRecords> report = List.copyOf(deadLettersOfThisCall);
        deadLettersOfThisCall.clear();
        report.forEach(deadLetterListener);
    }

    private static void requireAscending(List<FetchedBatch> batches) {
        for (int i = 1; i < batches.size(); i++) {
            if (batches.get(i).baseOffset() <= batches.get(i - 1).lastOffset()) {
                throw new IllegalArgumentException("Fetched batches overlap or are out of order: "
                        + batches.get(i - 1) + ", " + batches.get(i));
            }
        }
    }

    /** What one acquire call hands out: under one lock, as runs of offsets with equal delivery counts. */
    private final class Acquisition {
        private final String memberId;
        private final long deadlineMs;
        private final List<AcquiredRecords> acquired = new ArrayList<>();
        private AcquisitionLock lock;

        Acquisition(String memberId, long deadlineMs) {
            this.memberId = memberId;
            this.deadlineMs = deadlineMs;
        }

        AcquisitionLock lock() {
            if (lock == null) {
                lock = locks.newLock(memberId, deadlineMs);
            }
            return lock;
        }

        void add(InFlightRange range) {
            int last = acquired.size() - 1;
            AcquiredRecords previous = last < 0 ? null : acquired.get(last);
            if (previous != null && previous.lastOffset() + 1 == range.first()
                    && previous.deliveryCount() == range.deliveryCount()) {
                acquired.set(last, new AcquiredRecords(previous.firstOffset(), range.last(), range.deliveryCount()));
            } else {
                acquired.add(new AcquiredRecords(range.first(), range.last(), range.deliveryCount()));
            }
        }
    }
}
