package io.sluice.replication;

import io.sluice.metadata.PartitionImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * Leader-side state of one replicated partition for one leader epoch: each follower's progress, the high
 * watermark (never decreasing; the minimum log end over the ISR, this leader included) and the acks=all
 * produce requests waiting for it. Methods are synchronized; futures are completed by the caller, outside
 * the lock, from the lists returned.
 */
final class LeaderPartition {
    private final int self;
    private final Uuid topicId;
    private final int leaderEpoch;
    private final Map<Integer, ReplicaState> followers = new HashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private List<Integer> replicas;
    private List<Integer> isr;
    private int partitionEpoch;
    private long highWatermark;
    private boolean alterInFlight;
    /** No ISR change is asked for before this time (the controller refused one as ineligible). */
    private long noAlterBeforeMs = Long.MIN_VALUE;

    LeaderPartition(int self, Uuid topicId, PartitionImage image, long initialHighWatermark, long nowMs) {
        this.self = self;
        this.topicId = topicId;
        this.leaderEpoch = image.leaderEpoch();
        this.highWatermark = initialHighWatermark;
        for (int replica : image.replicas()) {
            if (replica != self) {
                followers.put(replica, new ReplicaState(nowMs));
            }
        }
        update(image);
    }

    record Waiter(long requiredOffset, int minInsync, CompletableFuture<Errors> future) {
    }

    /** A satisfied wait and the answer it gets. */
    record Answer(CompletableFuture<Errors> future, Errors error) {
        void send() {
            future.complete(error);
        }
    }

    int leaderEpoch() {
        return leaderEpoch;
    }

    Uuid topicId() {
        return topicId;
    }

    /** Takes a newer ISR or partition epoch of the same leadership; ends any in-flight ISR change. */
    synchronized void update(PartitionImage image) {
        if (isr != null && image.partitionEpoch() < partitionEpoch) {
            return;
        }
        replicas = List.copyOf(image.replicas());
        isr = List.copyOf(image.isr());
        partitionEpoch = image.partitionEpoch();
        alterInFlight = false;
        for (int replica : replicas) {
            if (replica != self) {
                followers.putIfAbsent(replica, new ReplicaState(Long.MIN_VALUE / 2));
            }
        }
    }

    synchronized List<Integer> isr() {
        return isr;
    }

    synchronized int partitionEpoch() {
        return partitionEpoch;
    }

    /** The high watermark after taking the leader's current log end into account. */
    synchronized long highWatermark(long leaderLogEnd) {
        advance(leaderLogEnd);
        return highWatermark;
    }

    /** Records a follower fetch; returns whether the high watermark moved. */
    synchronized boolean onFollowerFetch(int replicaId, long fetchOffset, long leaderLogEnd, long nowMs) {
        ReplicaState state = followers.get(replicaId);
        if (state == null) {
            return false;
        }
        state.onFetch(fetchOffset, leaderLogEnd, nowMs);
        return advance(leaderLogEnd);
    }

    private boolean advance(long leaderLogEnd) {
        long candidate = leaderLogEnd;
        for (int member : isr) {
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
     * Registers an acks=all wait, or returns null when the high watermark already covers requiredOffset or
     * this leader is the whole ISR (nobody else must confirm) and the ISR has at least minInsync members. With
     * fewer, the answer is NOT_ENOUGH_REPLICAS_AFTER_APPEND at once: the records are in the log, but fewer
     * replicas than the topic demands hold them.
     */
    synchronized CompletableFuture<Errors> await(long requiredOffset, long leaderLogEnd, int minInsync) {
        advance(leaderLogEnd);
        if (highWatermark >= requiredOffset || aloneInIsr()) {
            Errors answer = answerFor(minInsync);
            return answer == Errors.NONE ? null : CompletableFuture.completedFuture(answer);
        }
        Waiter waiter = new Waiter(requiredOffset, minInsync, new CompletableFuture<>());
        waiters.add(waiter);
        return waiter.future;
    }

    /**
     * Removes and returns the waits the high watermark now satisfies, each answered as Kafka does: NONE, or
     * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas while it waited (the high
     * watermark then no longer counts the replicas that fell out).
     */
    synchronized List<Answer> satisfiedWaiters(long leaderLogEnd) {
        advance(leaderLogEnd);
        boolean alone = aloneInIsr();
        List<Answer> done = new ArrayList<>();
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (alone || waiter.requiredOffset <= highWatermark) {
                done.add(new Answer(waiter.future, answerFor(waiter.minInsync)));
                it.remove();
            }
        }
        return done;
    }

    private boolean aloneInIsr() {
        return isr.size() == 1 && isr.get(0) == self;
    }

    private Errors answerFor(int minInsync) {
        return isr.size() >= minInsync ? Errors.NONE : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
    }

    synchronized void removeWaiter(CompletableFuture<Errors> future) {
        waiters.removeIf(w -> w.future == future);
    }

    /** Removes and returns every wait (the leadership ended). */
    synchronized List<CompletableFuture<Errors>> drainWaiters() {
        List<CompletableFuture<Errors>> all = new ArrayList<>();
        waiters.forEach(w -> all.add(w.future));
        waiters.clear();
        return all;
    }

    /**
     * The ISR this leader wants now, or null when it is right or a change is already in flight: followers
     * not caught up within lagMaxMs leave; followers in the replicas whose log reaches the high watermark
     * join. Marks a change as in flight when returning one.
     */
    synchronized List<Integer> wantedIsr(long nowMs, long lagMaxMs, long leaderLogEnd) {
        return wantedIsr(nowMs, lagMaxMs, leaderLogEnd, replica -> true);
    }

    /**
     * As {@link #wantedIsr(long, long, long)}, but a follower outside the ISR joins only if {@code eligible} (Kafka's
     * leader does not propose fenced brokers); none while a refused change's back-off runs.
     */
    synchronized List<Integer> wantedIsr(long nowMs, long lagMaxMs, long leaderLogEnd, IntPredicate eligible) {
        if (alterInFlight || nowMs < noAlterBeforeMs) {
            return null;
        }
        advance(leaderLogEnd);
        List<Integer> wanted = new ArrayList<>();
        for (int replica : replicas) {
            if (replica == self) {
                if (isr.contains(self)) {
                    wanted.add(self);
                }
                continue;
            }
            ReplicaState state = followers.get(replica);
            boolean inIsr = isr.contains(replica);
            boolean lagging = nowMs - state.lastCaughtUpTimeMs() > lagMaxMs;
            boolean caughtUp = state.logEndOffset() != ReplicaState.UNKNOWN && state.logEndOffset() >= highWatermark
                    && !lagging;
            if (inIsr ? !lagging : caughtUp && eligible.test(replica)) {
                wanted.add(replica);
            }
        }
        if (!wanted.contains(self) || sameMembers(wanted, isr)) {
            return null;
        }
        alterInFlight = true;
        return wanted;
    }

    /** An ISR change failed; the next check may try again. */
    synchronized void alterFailed() {
        alterInFlight = false;
    }

    /**
     * The controller refused the change because a replica it adds is fenced or unregistered: the ISR stays as it is
     * and no change is asked for before {@code retryAtMs}, so follower fetches do not repeat the refused request.
     */
    synchronized void alterRefused(long retryAtMs) {
        alterInFlight = false;
        noAlterBeforeMs = retryAtMs;
    }

    private static boolean sameMembers(List<Integer> a, List<Integer> b) {
        return a.size() == b.size() && a.containsAll(b);
    }
}
