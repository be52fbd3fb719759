package io.sluice.partition;

import io.sluice.controller.AlterPartitionRequest;
import io.sluice.log.AbortedTxn;
import io.sluice.log.AppendOrigin;
import io.sluice.log.EpochEndOffset;
import io.sluice.log.Log;
import io.sluice.log.LogAppendInfo;
import io.sluice.log.LogConfig;
import io.sluice.log.LogReadInfo;
import io.sluice.log.ProducerInfo;
import io.sluice.log.TimestampOffset;
import io.sluice.log.VerificationGuard;
import io.sluice.metadata.PartitionImage;
import io.sluice.util.Futures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.IneligibleReplicaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica of a partition hosted on this broker (Kafka's {@code Partition}): its {@link Log}, its role, the leader
 * epoch, the ISR with any change in flight ({@link IsrState}), the high watermark and, while leading, each follower's
 * progress and the acks=all appends waiting for it. Every append, read, offset lookup, DeleteRecords and follower fetch
 * on this broker goes through here, so there is one answer to "who leads, in which epoch, up to where is it
 * replicated".
 *
 * <p>Roles and the transitions {@link #transitionTo} makes, each driven by a metadata image:
 * <pre>
 *   NONE, FOLLOWER --> LEADER     the image names this node leader: the new epoch starts at the log end
 *   LEADER ----------> LEADER     a newer leader epoch: waits of the old epoch fail, follower progress starts over
 *   NONE, LEADER ----> FOLLOWER   another node leads: waiting acks=all appends fail with NOT_LEADER_OR_FOLLOWER
 *   FOLLOWER --------> FOLLOWER   another leader or leader epoch
 *   LEADER, FOLLOWER -> NONE      no leader is available, or the replica leaves this node ({@link #stop})
 * </pre>
 * An image with the current role and leader epoch only brings a newer ISR and partition epoch.
 *
 * <p>Threading: role and leader epoch change under the write side of {@code roleLock}; appends, truncations and
 * DeleteRecords hold its read side, so none straddles a change of leadership. Follower progress, the ISR, the high
 * watermark and the waits change under this object's monitor, taken inside {@code roleLock} and never the other
 * way round. Futures and long-poll wake-ups are collected under the locks and completed after both are released.
 */
public final class Partition {
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

    /** This replica's part in the partition. */
    public enum Role { NONE, FOLLOWER, LEADER }

    private final TopicPartition tp;
    private final Uuid topicId;
    private final Log log;
    private final PartitionServices services;
    private final int self;
    private final ReentrantReadWriteLock roleLock = new ReentrantReadWriteLock();

    private volatile Role role = Role.NONE;
    private volatile int leaderId = -1;
    private volatile int leaderEpoch = -1;
    private volatile long highWatermark;
    // Guarded by this:
    private List<Integer> replicas = List.of();
    private IsrState isr = IsrState.EMPTY;
    private final Map<Integer, ReplicaState> followers = new HashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    /** No ISR change is asked for before this time (the controller refused one as ineligible). */
    private long noIsrChangeBeforeMs = Long.MIN_VALUE;

    public Partition(TopicPartition tp, Uuid topicId, Log log, PartitionServices services) {
        this.tp = tp;
        this.topicId = topicId;
        this.log = log;
        this.services = services;
        this.self = services.nodeId();
    }

    /** An acks=all append waiting for the high watermark to reach requiredOffset. */
    private record Waiter(long requiredOffset, int minInsync, CompletableFuture<Errors> future) {
    }

    /** A satisfied wait and its answer, completed once the locks are released. */
    private record Answer(CompletableFuture<Errors> future, Errors error) {
    }

    /**
     * An append as leader: where the batches went, and a future completing with NONE once the replication the
     * producer asked for is done (at once for acks 0 and 1, or when this leader is the whole ISR), or with
     * REQUEST_TIMED_OUT, NOT_LEADER_OR_FOLLOWER or NOT_ENOUGH_REPLICAS_AFTER_APPEND.
     */
    public record LeaderAppend(LogAppendInfo info, CompletableFuture<Errors> replicated) {
    }

    public Uuid topicId() {
        return topicId;
    }

    public Role role() {
        return role;
    }

    public int leaderId() {
        return leaderId;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public synchronized List<Integer> isr() {
        return isr.committed();
    }

    synchronized IsrState isrState() {
        return isr;
    }

    public void updateConfig(LogConfig config) {
        log.updateConfig(config);
    }

    // ---------------------------------------------------------------- transitions

    /** Takes the role, leader and ISR an image gives this replica. */
    public void apply(PartitionImage image) {
        Role next = image.leader() == self ? Role.LEADER
                : image.leader() >= 0 && image.replicas().contains(self) ? Role.FOLLOWER : Role.NONE;
        transitionTo(next, image);
    }

    /** The replica leaves this node (deleted or reassigned away): it leads and follows no more. */
    public void stop() {
        transitionTo(Role.NONE, null);
    }

    /** The one place role and leader epoch change; the class comment lists the transitions. */
    private void transitionTo(Role next, PartitionImage image) {
        List<Answer> answers = new ArrayList<>();
        boolean wake;
        roleLock.writeLock().lock();
        try {
            synchronized (this) {
                int nextEpoch = image == null ? leaderEpoch : image.leaderEpoch();
                if (next == role && nextEpoch == leaderEpoch && image != null) {
                    wake = takeIsr(image, answers);
                } else {
                    failWaiters(answers);
                    Role previous = role;
                    role = next;
                    leaderEpoch = nextEpoch;
                    leaderId = image == null ? -1 : image.leader();
                    followers.clear();
                    noIsrChangeBeforeMs = Long.MIN_VALUE;
                    isr = image == null ? IsrState.EMPTY : IsrState.committed(image);
                    replicas = image == null ? List.of() : List.copyOf(image.replicas());
                    wake = next == Role.LEADER && becomeLeader(previous);
                }
            }
        } finally {
            roleLock.writeLock().unlock();
        }
        complete(answers, wake);
    }

    /** Under both locks: the leader epoch starts at the log end; followers start unknown, not yet caught up. */
    private boolean becomeLeader(Role previous) {
        if (log.latestEpoch() < leaderEpoch) {
            // Marks where this epoch starts before anything is written in it, so that a follower still holding
            // records of an older epoch past this point is told to cut them.
            log.assignLeaderEpoch(leaderEpoch);
        }
        long now = services.time().milliseconds();
        for (int replica : replicas) {
            if (replica != self) {
                followers.put(replica, new ReplicaState(now));
            }
        }
        // A follower's high watermark is the leader's as last fetched; it never exceeds what this log holds.
        highWatermark = Math.min(highWatermark, log.logEndOffset());
        LOG.debug("Leading {} in epoch {} (was {}) with ISR {}, high watermark {}", tp, leaderEpoch, previous,
                isr.committed(), highWatermark);
        return advance();
    }

    /**
     * Under the monitor: takes a newer ISR and partition epoch of the current leadership (from an image or the
     * controller's answer to an ISR change), which ends any change in flight. Returns whether the high watermark moved.
     */
    private boolean takeIsr(PartitionImage image, List<Answer> answers) {
        if (image.partitionEpoch() < isr.partitionEpoch()) {
            return false;
        }
        isr = IsrState.committed(image);
        replicas = List.copyOf(image.replicas());
        if (role == Role.LEADER) {
            for (int replica : replicas) {
                if (replica != self) {
                    // A replica added by a reassignment starts as not caught up.
                    followers.putIfAbsent(replica, new ReplicaState(Long.MIN_VALUE / 2));
                }
            }
        }
        boolean moved = advance();
        satisfiedWaiters(answers);
        return moved;
    }

    private void failWaiters(List<Answer> answers) {
        waiters.forEach(w -> answers.add(new Answer(w.future, Errors.NOT_LEADER_OR_FOLLOWER)));
        waiters.clear();
    }

    /** Outside every lock: answers the waits, and wakes long-poll fetches when the high watermark moved. */
    private void complete(List<Answer> answers, boolean highWatermarkMoved) {
        answers.forEach(a -> a.future.complete(a.error));
        if (highWatermarkMoved) {
            // Consumers read only below the high watermark: a waiting consumer fetch may have data now.
            services.watchers().appended(tp);
        }
    }

    // ---------------------------------------------------------------- leader side

    /**
     * Appends a producer's (or a coordinator's) batches as leader in the current epoch. acks=-1 is refused with
     * NOT_ENOUGH_REPLICAS when the ISR is smaller than min.insync.replicas, and otherwise waits, up to timeoutMs, for
     * the in-sync replicas to hold the batches.
     */
    public LeaderAppend appendAsLeader(MemoryRecords records, short requiredAcks, long timeoutMs) {
        return appendAsLeader(records, requiredAcks, timeoutMs, AppendOrigin.CLIENT);
    }

    /** As {@link #appendAsLeader(MemoryRecords, short, long)}, for a client or a coordinator ({@link AppendOrigin}). */
    public LeaderAppend appendAsLeader(MemoryRecords records, short requiredAcks, long timeoutMs, AppendOrigin origin) {
        return appendAsLeader(log -> log.append(records, leaderEpoch, origin), requiredAcks, timeoutMs);
    }

    /** A client's append whose transaction was verified with its coordinator under the guard ({@link #verificationGuard}). */
    public LeaderAppend appendVerified(MemoryRecords records, short requiredAcks, long timeoutMs,
                                       VerificationGuard guard) {
        return appendAsLeader(log -> log.append(records, leaderEpoch, AppendOrigin.CLIENT, guard), requiredAcks,
                timeoutMs);
    }

    /**
     * KIP-890: the guard under which to verify the producer's transaction before its first batch here, or
     * {@link VerificationGuard#TRANSACTION_OPEN} when its transaction is open here already.
     */
    public VerificationGuard verificationGuard(long producerId, short producerEpoch, boolean epochBumpedAtEnd) {
        requireLeader();
        return log.verificationGuard(producerId, producerEpoch, epochBumpedAtEnd);
    }

    /**
     * Writes a transaction coordinator's COMMIT or ABORT marker for the producer as leader, with acks=all, as Kafka's
     * WriteTxnMarkers does: the coordinator considers the transaction ended here once the in-sync replicas hold it.
     */
    public LeaderAppend appendTxnMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit,
                                        long timeoutMs) {
        return appendAsLeader(log -> log.appendTxnMarker(producerId, producerEpoch, coordinatorEpoch, commit,
                leaderEpoch), (short) -1, timeoutMs);
    }

    private LeaderAppend appendAsLeader(Function<Log, LogAppendInfo> append, short requiredAcks, long timeoutMs) {
        LogAppendInfo info;
        int minInsync;
        roleLock.readLock().lock();
        try {
            requireLeader();
            minInsync = log.config().minInSyncReplicas();
            if (requiredAcks == -1) {
                int inSync = isr().size();
                if (inSync < minInsync) {
                    throw new NotEnoughReplicasException("The in-sync replicas of " + tp + " (" + inSync
                            + ") are fewer than min.insync.replicas (" + minInsync + ")");
                }
            }
            info = append.apply(log);
        } finally {
            roleLock.readLock().unlock();
        }
        if (!info.duplicate()) {
            services.watchers().appended(tp);
        }
        CompletableFuture<Errors> replicated = requiredAcks == -1 && info.lastOffset() >= 0
                ? awaitHighWatermark(info.lastOffset() + 1, minInsync, timeoutMs)
                : CompletableFuture.completedFuture(Errors.NONE);
        return new LeaderAppend(info, replicated);
    }

    private CompletableFuture<Errors> awaitHighWatermark(long requiredOffset, int minInsync, long timeoutMs) {
        Waiter waiter;
        synchronized (this) {
            if (role != Role.LEADER) {
                return CompletableFuture.completedFuture(Errors.NOT_LEADER_OR_FOLLOWER);
            }
            advance();
            if (highWatermark >= requiredOffset || aloneInIsr()) {
                return CompletableFuture.completedFuture(answerFor(minInsync));
            }
            waiter = new Waiter(requiredOffset, minInsync, new CompletableFuture<>());
            waiters.add(waiter);
        }
        ScheduledFuture<?> expiry = services.timer().schedule(() -> {
            boolean removed;
            synchronized (this) {
                removed = waiters.remove(waiter);
            }
            if (removed) {
                waiter.future.complete(Errors.REQUEST_TIMED_OUT);
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
        waiter.future.whenComplete((result, error) -> expiry.cancel(false));
        return waiter.future;
    }

    /**
     * Reads for a consumer (up to the high watermark) or a follower (up to the log end, recording where the follower's
     * log ends). The request's current leader epoch is checked first (KIP-320), then leadership, then, when the fetcher
     * names its last fetched epoch, whether its log diverged from this one.
     */
    public FetchResult read(FetchParams params) {
        checkLeaderEpoch(params.currentLeaderEpoch());
        requireLeader();
        if (params.lastFetchedEpoch() >= 0) {
            EpochEndOffset diverging = divergence(params);
            if (diverging != null) {
                long hw = highWatermark();
                return new FetchResult(null, diverging, hw, log.lastStableOffset(hw), log.logStartOffset(), null);
            }
        }
        if (params.fromFollower() && params.recordProgress()) {
            recordFollowerFetch(params.replicaId(), params.fetchOffset());
        }
        long hw = highWatermark();
        long lso = log.lastStableOffset(hw);
        long readLimit = params.fromFollower() ? Long.MAX_VALUE : params.readCommitted() ? lso : hw;
        LogReadInfo info = log.read(params.fetchOffset(), Math.max(params.maxBytes(), 0), params.minOneBatch(),
                readLimit);
        List<AbortedTxn> aborted = params.readCommitted() && info.slice().size() > 0
                ? log.abortedTransactions(params.fetchOffset(), lso) : params.readCommitted() ? List.of() : null;
        return new FetchResult(info, null, Math.min(hw, info.logEndOffset()), Math.min(lso, info.logEndOffset()),
                info.logStartOffset(), aborted);
    }

    /**
     * KIP-320: the fetcher's last fetched epoch must end, here, at or after its fetch offset. When it does not, the
     * answer is the largest epoch at or below it and where that ends here, for the fetcher to truncate to; the fetch
     * offset is then not the fetcher's real progress and is not recorded.
     */
    private EpochEndOffset divergence(FetchParams params) {
        EpochEndOffset end = log.endOffsetForEpoch(params.lastFetchedEpoch());
        if (end.isUndefined()) {
            throw new OffsetOutOfRangeException("Leader epoch " + params.lastFetchedEpoch() + " of " + tp
                    + " is newer than every epoch of the leader's log");
        }
        boolean consistent = end.epoch() >= params.lastFetchedEpoch() && end.endOffset() >= params.fetchOffset();
        return consistent ? null : end;
    }

    /** A follower fetched from fetchOffset, so its log ends there; may move the high watermark and grow the ISR. */
    void recordFollowerFetch(int replicaId, long fetchOffset) {
        List<Answer> answers = new ArrayList<>();
        boolean moved;
        boolean outsideIsr;
        synchronized (this) {
            ReplicaState state = followers.get(replicaId);
            if (role != Role.LEADER || state == null) {
                return;
            }
            state.onFetch(fetchOffset, log.logEndOffset(), services.time().milliseconds());
            moved = advance();
            if (moved) {
                satisfiedWaiters(answers);
            }
            outsideIsr = !isr.committed().contains(replicaId);
        }
        complete(answers, moved);
        if (outsideIsr) {
            maybeChangeIsr();
        }
    }

    /** The offset below which consumers may read; as leader, after taking the log end into account. */
    public long highWatermark() {
        if (role == Role.LEADER) {
            synchronized (this) {
                advance();
            }
        }
        return highWatermark;
    }

    /** Under the monitor: the high watermark becomes the smallest log end over the maximal ISR, never decreasing. */
    private boolean advance() {
        if (role != Role.LEADER) {
            return false;
        }
        long candidate = log.logEndOffset();
        for (int member : isr.maximal()) {
            if (member != self) {
                ReplicaState state = followers.get(member);
                candidate = Math.min(candidate, state == null ? ReplicaState.UNKNOWN : state.logEndOffset());
            }
        }
        if (candidate > highWatermark) {
            highWatermark = candidate;
            return true;
        }
        return false;
    }

    /**
     * Under the monitor: removes the waits the high watermark now satisfies, each answered as Kafka does: NONE, or
     * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas while it waited.
     */
    private void satisfiedWaiters(List<Answer> answers) {
        boolean alone = aloneInIsr();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (alone || waiter.requiredOffset <= highWatermark) {
                answers.add(new Answer(waiter.future, answerFor(waiter.minInsync)));
                it.remove();
            }
        }
    }

    private boolean aloneInIsr() {
        List<Integer> members = isr.maximal();
        return members.size() == 1 && members.get(0) == self;
    }

    private Errors answerFor(int minInsync) {
        return isr.maximal().size() >= minInsync ? Errors.NONE : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
    }

    // ---------------------------------------------------------------- ISR changes

    /**
     * Asks the controller for the ISR the followers' progress calls for, unless it is right or a change is already
     * in flight: followers not caught up within replica.lag.time.max.ms leave, followers whose log reaches the high
     * watermark join (if eligible). The answer, or its refusal, comes back through the controller's future.
     */
    public void maybeChangeIsr() {
        AlterPartitionRequest request;
        List<Integer> from;
        synchronized (this) {
            List<Integer> wanted = wantedIsr(services.time().milliseconds());
            if (wanted == null) {
                return;
            }
            from = isr.committed();
            isr = isr.propose(wanted);
            request = new AlterPartitionRequest(self, topicId, tp.partition(), leaderEpoch, isr.partitionEpoch(),
                    wanted);
        }
        LOG.info("Changing the ISR of {} from {} to {}", tp, from, request.newIsr());
        services.alterPartition().apply(request).whenComplete((image, error) -> onIsrChangeAnswered(request, image, error));
    }

    /** Under the monitor, as leader with no change in flight: the ISR wanted now, or null when it is right. */
    private List<Integer> wantedIsr(long nowMs) {
        if (role != Role.LEADER || isr.inFlight() || nowMs < noIsrChangeBeforeMs) {
            return null;
        }
        advance();
        List<Integer> committed = isr.committed();
        List<Integer> wanted = new ArrayList<>();
        for (int replica : replicas) {
            if (replica == self) {
                if (committed.contains(self)) {
                    wanted.add(self);
                }
                continue;
            }
            ReplicaState state = followers.get(replica);
            boolean lagging = nowMs - state.lastCaughtUpTimeMs() > services.lagMaxMs();
            boolean caughtUp = state.logEndOffset() != ReplicaState.UNKNOWN && state.logEndOffset() >= highWatermark
                    && !lagging;
            if (committed.contains(replica) ? !lagging : caughtUp && services.eligibleForIsr().test(replica)) {
                wanted.add(replica);
            }
        }
        boolean same = wanted.size() == committed.size() && wanted.containsAll(committed);
        return !wanted.contains(self) || same ? null : wanted;
    }

    private void onIsrChangeAnswered(AlterPartitionRequest request, PartitionImage image, Throwable error) {
        Throwable cause = Futures.unwrap(error);
        List<Answer> answers = new ArrayList<>();
        boolean moved = false;
        synchronized (this) {
            if (role != Role.LEADER || leaderEpoch != request.leaderEpoch() || !isr.inFlight()) {
                return;
            }
            if (cause == null) {
                moved = takeIsr(image, answers);
            } else {
                isr = isr.abandonChange();
                if (cause instanceof IneligibleReplicaException) {
                    // A follower was fenced after this leader last saw it: retry at the next periodic check, by when
                    // this node's image shows the fencing and leaves that follower out, not at every fetch.
                    noIsrChangeBeforeMs = services.time().milliseconds() + Math.max(1, services.lagMaxMs() / 2);
                }
            }
        }
        if (cause != null) {
            LOG.info("ISR change of {} to {} was refused, keeping ISR {}: {}", tp, request.newIsr(), isr(),
                    cause.toString());
        }
        complete(answers, moved);
    }

    // ---------------------------------------------------------------- reads and admin as leader

    /** Where an epoch ends in this leader's log (OffsetsForLeaderEpoch), after the epoch and leadership checks. */
    public EpochEndOffset endOffsetForEpoch(int currentLeaderEpoch, int requestedEpoch) {
        checkLeaderEpoch(currentLeaderEpoch);
        requireLeader();
        return log.endOffsetForEpoch(requestedEpoch);
    }

    /**
     * ListOffsets: the log start for EARLIEST, for LATEST what consumers can read (the high watermark, or the last
     * stable offset for read_committed), the batch with the largest timestamp for MAX_TIMESTAMP, else the first
     * offset at or after the timestamp; null when none.
     */
    public TimestampOffset offsetForTimestamp(long timestamp, int currentLeaderEpoch, boolean readCommitted) {
        checkLeaderEpoch(currentLeaderEpoch);
        requireLeader();
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            return new TimestampOffset(RecordBatch.NO_TIMESTAMP, readCommitted ? lastStableOffset() : highWatermark());
        }
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            return new TimestampOffset(RecordBatch.NO_TIMESTAMP, log.logStartOffset());
        }
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            return log.maxTimestamp();
        }
        return timestamp < 0 ? null : log.offsetForTimestamp(timestamp);
    }

    /**
     * DeleteRecords: moves the log start to {@code offset} (-1: the high watermark) and returns the new log start.
     * Refused with OFFSET_OUT_OF_RANGE past the high watermark, as Kafka does: records a follower has not copied yet
     * must not go, or a newly elected leader could hold less than the log start consumers were told.
     */
    public long deleteRecordsBefore(long offset) {
        roleLock.readLock().lock();
        try {
            requireLeader();
            long hw = highWatermark();
            long target = offset == DeleteRecordsRequest.HIGH_WATERMARK ? hw : offset;
            if (target < 0) {
                throw new OffsetOutOfRangeException("The offset " + target + " for partition " + tp
                        + " should not be negative.");
            }
            if (target > hw) {
                throw new OffsetOutOfRangeException("Cannot increment the log start offset to " + target
                        + " of partition " + tp + " since it is larger than the high watermark " + hw);
            }
            return log.deleteRecordsBefore(target);
        } finally {
            roleLock.readLock().unlock();
        }
    }

    /** The offset below which every transaction is decided and replicated: read_committed consumers stop there. */
    public long lastStableOffset() {
        return log.lastStableOffset(highWatermark());
    }

    public List<ProducerInfo> activeProducers() {
        requireLeader();
        return log.activeProducers();
    }

    /** The local log, for a coordinator loading its state as leader; throws NOT_LEADER_OR_FOLLOWER otherwise. */
    public Log leaderLog() {
        requireLeader();
        return log;
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    private void requireLeader() {
        if (role != Role.LEADER) {
            throw new NotLeaderOrFollowerException("Node " + self + " is not the leader of " + tp
                    + (role == Role.FOLLOWER ? " (node " + leaderId + " is, in epoch " + leaderEpoch + ")" : ""));
        }
    }

    /** KIP-320 fencing: an older epoch than ours is fenced, a newer one means our metadata is behind; -1 skips. */
    private void checkLeaderEpoch(int requestEpoch) {
        int current = leaderEpoch;
        if (requestEpoch < 0 || requestEpoch == current) {
            return;
        }
        if (requestEpoch > current) {
            throw new UnknownLeaderEpochException("Leader epoch " + requestEpoch + " of " + tp + " is newer than ours");
        }
        throw new FencedLeaderEpochException("Leader epoch " + requestEpoch + " of " + tp + " is fenced");
    }

    // ---------------------------------------------------------------- follower side

    /** Where the next fetch from the leader starts, for the replica fetcher. */
    FollowerPosition followerPosition() {
        return new FollowerPosition(leaderEpoch, log.logEndOffset(), log.logStartOffset(), log.latestEpoch());
    }

    record FollowerPosition(int leaderEpoch, long fetchOffset, long logStartOffset, int lastFetchedEpoch) {
    }

    /**
     * Appends batches fetched from the leader of {@code fetchedInEpoch} as they are, then takes the leader's high
     * watermark (never past this log's end). Returns false, appending nothing, when this replica no longer follows
     * in that epoch: the fetch was sent before a leadership change.
     */
    boolean appendAsFollower(MemoryRecords records, long leaderHighWatermark, int fetchedInEpoch) {
        return asFollowerOf(fetchedInEpoch, () -> {
            if (records != null && records.sizeInBytes() > 0) {
                log.appendAsFollower(records);
            }
            highWatermark = Math.min(leaderHighWatermark, log.logEndOffset());
            return true;
        });
    }

    /** Cuts a divergent tail the leader pointed at (KIP-320); returns how many offsets went, or -1 if stale. */
    long truncateDivergent(EpochEndOffset leaderEnd, int fetchedInEpoch) {
        return asFollowerOf(fetchedInEpoch, () -> {
            long removed = DivergenceTruncation.apply(log, leaderEnd);
            highWatermark = Math.min(highWatermark, log.logEndOffset());
            return removed;
        }, -1L);
    }

    /** This log ends before the leader's log start: empties it and starts again there. */
    boolean truncateFullyAndStartAt(long offset, int fetchedInEpoch) {
        return asFollowerOf(fetchedInEpoch, () -> {
            log.truncateFullyAndStartAt(offset);
            highWatermark = offset;
            return true;
        });
    }

    private boolean asFollowerOf(int epoch, Supplier<Boolean> change) {
        return asFollowerOf(epoch, change, false);
    }

    private <T> T asFollowerOf(int epoch, Supplier<T> change, T stale) {
        roleLock.readLock().lock();
        try {
            return role == Role.FOLLOWER && leaderEpoch == epoch ? change.get() : stale;
        } finally {
            roleLock.readLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "Partition(" + tp + ", " + role + ", epoch " + leaderEpoch + ")";
    }
}
