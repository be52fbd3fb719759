package io.sluice.group;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * The rebalance machinery of one group, apart from its membership: the join-phase timer (the rebalance deadline or
 * a step of the initial delay), the initial-delay bookkeeping, and per member the JoinGroup or SyncGroup request
 * waiting for the rebalance and the session-expiry timer. Each timer carries an epoch, bumped whenever it is
 * re-armed or cancelled, so an expiry that fired just before it was superseded does nothing.
 *
 * <p>Threading: changed only in its group's events, like the {@link ClassicGroup} that holds it.
 */
final class RebalanceState {
    /** What the rebalance holds for one member. */
    private static final class MemberWaits {
        CompletableFuture<JoinGroupResponseData> join;
        CompletableFuture<SyncGroupResponseData> sync;
        GroupTimer.Scheduled session;
        long sessionEpoch;
    }

    private GroupTimer.Scheduled joinTimer;
    private long joinTimerEpoch;
    private boolean initialJoinInProgress;
    private boolean newMemberAdded;
    private long initialDelayRemainingMs;
    /** By member object: a static member keeps its object when it rejoins under a new member id. */
    private final Map<GroupMember, MemberWaits> members = new IdentityHashMap<>();

    private MemberWaits of(GroupMember member) {
        return members.computeIfAbsent(member, m -> new MemberWaits());
    }

    // ---------------------------------------------------------------- the join phase

    /** Cancels the running join timer, if any, and returns the epoch the next one is to carry. */
    long resetJoinTimer() {
        cancelJoinTimer();
        return joinTimerEpoch;
    }

    void joinTimer(GroupTimer.Scheduled scheduled) {
        joinTimer = scheduled;
    }

    /** Whether a join timer of this epoch is still the running one; if so it is spent. */
    boolean takeJoinTimer(long epoch) {
        if (joinTimerEpoch != epoch || joinTimer == null) {
            return false;
        }
        joinTimer = null;
        return true;
    }

    void cancelJoinTimer() {
        joinTimerEpoch++;
        if (joinTimer != null) {
            joinTimer.cancel();
            joinTimer = null;
        }
    }

    /** The first rebalance of an empty group waits the initial delay, then up to this much more while members come. */
    void startInitialDelay(long remainingMs) {
        initialJoinInProgress = true;
        newMemberAdded = false;
        initialDelayRemainingMs = remainingMs;
    }

    boolean initialJoinInProgress() {
        return initialJoinInProgress;
    }

    void memberAdded() {
        if (initialJoinInProgress) {
            newMemberAdded = true;
        }
    }

    /**
     * When the delay step ends: how long the next step waits (members arrived during this one and time remains),
     * or 0 when the join phase may complete.
     */
    long nextDelayStep(long stepMs) {
        if (!newMemberAdded || initialDelayRemainingMs <= 0) {
            return 0;
        }
        newMemberAdded = false;
        long delay = Math.min(stepMs, initialDelayRemainingMs);
        initialDelayRemainingMs -= delay;
        return delay;
    }

    void endInitialDelay() {
        initialJoinInProgress = false;
    }

    // ---------------------------------------------------------------- waiting requests

    boolean awaitsJoin(GroupMember member) {
        MemberWaits waits = members.get(member);
        return waits != null && waits.join != null;
    }

    /** Parks the member's JoinGroup; returns the one it supersedes, or null. */
    CompletableFuture<JoinGroupResponseData> awaitJoin(GroupMember member,
                                                       CompletableFuture<JoinGroupResponseData> join) {
        MemberWaits waits = of(member);
        CompletableFuture<JoinGroupResponseData> previous = waits.join;
        waits.join = join;
        return previous == join ? null : previous;
    }

    /** Removes and returns the member's waiting JoinGroup, or null. */
    CompletableFuture<JoinGroupResponseData> takeJoin(GroupMember member) {
        MemberWaits waits = members.get(member);
        if (waits == null) {
            return null;
        }
        CompletableFuture<JoinGroupResponseData> join = waits.join;
        waits.join = null;
        return join;
    }

    /** Parks the member's SyncGroup; returns the one it supersedes, or null. */
    CompletableFuture<SyncGroupResponseData> awaitSync(GroupMember member,
                                                       CompletableFuture<SyncGroupResponseData> sync) {
        MemberWaits waits = of(member);
        CompletableFuture<SyncGroupResponseData> previous = waits.sync;
        waits.sync = sync;
        return previous;
    }

    /** Removes and returns the member's waiting SyncGroup, or null. */
    CompletableFuture<SyncGroupResponseData> takeSync(GroupMember member) {
        MemberWaits waits = members.get(member);
        if (waits == null) {
            return null;
        }
        CompletableFuture<SyncGroupResponseData> sync = waits.sync;
        waits.sync = null;
        return sync;
    }

    // ---------------------------------------------------------------- sessions

    /** Cancels the member's session timer, if any, and returns the epoch the next one is to carry. */
    long cancelSession(GroupMember member) {
        MemberWaits waits = members.get(member);
        if (waits == null) {
            return 0;
        }
        waits.sessionEpoch++;
        if (waits.session != null) {
            waits.session.cancel();
            waits.session = null;
        }
        return waits.sessionEpoch;
    }

    void session(GroupMember member, GroupTimer.Scheduled scheduled) {
        of(member).session = scheduled;
    }

    /** Whether a session expiry of this epoch is still the member's running one; if so it is spent. */
    boolean takeSession(GroupMember member, long epoch) {
        MemberWaits waits = members.get(member);
        if (waits == null || waits.sessionEpoch != epoch || waits.session == null) {
            return false;
        }
        waits.session = null;
        return true;
    }

    /** The member left: its timer is cancelled; its waiting requests are the caller's to answer first. */
    void forget(GroupMember member) {
        cancelSession(member);
        members.remove(member);
    }
}
