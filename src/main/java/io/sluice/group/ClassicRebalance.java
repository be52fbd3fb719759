package io.sluice.group;

import static io.sluice.group.GroupResponses.groupStoreError;
import static io.sluice.group.GroupResponses.joinError;
import static io.sluice.group.GroupResponses.joinResponse;
import static io.sluice.group.GroupResponses.syncError;
import static io.sluice.group.GroupResponses.syncResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic rebalance protocol for the groups served here: JoinGroup (with KIP-394 member ids and KIP-345 static
 * members), SyncGroup, Heartbeat and LeaveGroup, the join phase and its timers, and member sessions. A JoinGroup or
 * SyncGroup that must wait for the rest of the group is parked in the group's {@link RebalanceState} and answered
 * when the rebalance or the leader's assignment completes.
 *
 * <p>Threading: each group's state changes only in its events ({@link Groups#run}), one at a time and holding no
 * lock; the answers decided there complete after the event ({@link DeferredCompletions}). A timer that fires, or a
 * store write that completes, submits an event of its own like a request does.
 */
final class ClassicRebalance {
    private static final Logger log = LoggerFactory.getLogger(ClassicRebalance.class);

    private final Groups groups;
    private final OffsetStore offsets;
    private final GroupTimer timer;
    private final GroupConfig config;

    ClassicRebalance(Groups groups, OffsetStore offsets, GroupTimer timer, GroupConfig config) {
        this.groups = groups;
        this.offsets = offsets;
        this.timer = timer;
        this.config = config;
    }

    /**
     * Joins (or rejoins) a member. requireKnownMemberId is KIP-394's rule for JoinGroup v4+: a dynamic member
     * without an id is handed one with MEMBER_ID_REQUIRED and must join again with it.
     */
    CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, String clientId,
                                                              String clientHost, boolean requireKnownMemberId) {
        String groupId = request.groupId();
        String memberId = request.memberId();
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(joinError(memberId, Errors.INVALID_GROUP_ID));
        }
        Errors notHere = groups.errorFor(groupId);
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(joinError(memberId, notHere));
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return CompletableFuture.completedFuture(joinError(memberId, Errors.INVALID_SESSION_TIMEOUT));
        }
        boolean newMember = memberId.isEmpty();
        ClassicGroup group = newMember ? groups.getOrCreate(groupId) : groups.find(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
        JoinRequest join = new JoinRequest(request, clientId, clientHost, protocolsOf(request));
        CompletableFuture<JoinGroupResponseData> result = new CompletableFuture<>();
        groups.runDo(group, () -> {
            if (group.is(GroupState.DEAD)) {
                // Deleted or unloaded since we looked it up: the client rediscovers the coordinator and retries.
                DeferredCompletions.complete(result, joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
            } else if (groups.errorFor(groupId) != Errors.NONE) {
                // Leadership moved while the request was on its way; a group it just created here goes again.
                if (group.is(GroupState.EMPTY) && group.size() == 0) {
                    groups.remove(group);
                }
                DeferredCompletions.complete(result, joinError(memberId, groups.errorFor(groupId)));
            } else if (!group.supportsProtocols(request.protocolType(), join.protocols)) {
                DeferredCompletions.complete(result, joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            } else if (newMember) {
                joinNewMember(group, join, requireKnownMemberId, result);
            } else {
                joinKnownMember(group, join, result);
            }
        });
        return result;
    }

    private record JoinRequest(JoinGroupRequestData data, String clientId, String clientHost,
                               List<GroupMember.Protocol> protocols) {
        String instanceId() {
            return data.groupInstanceId();
        }

        int rebalanceTimeoutMs() {
            // JoinGroup v0 has no rebalance timeout; the session timeout stood in for it.
            return data.rebalanceTimeoutMs() < 0 ? data.sessionTimeoutMs() : data.rebalanceTimeoutMs();
        }
    }

    private static List<GroupMember.Protocol> protocolsOf(JoinGroupRequestData request) {
        List<GroupMember.Protocol> protocols = new ArrayList<>(request.protocols().size());
        for (JoinGroupRequestProtocol protocol : request.protocols()) {
            protocols.add(new GroupMember.Protocol(protocol.name(), protocol.metadata()));
        }
        return protocols;
    }

    private void joinNewMember(ClassicGroup group, JoinRequest join, boolean requireKnownMemberId,
                               CompletableFuture<JoinGroupResponseData> result) {
        if (group.size() >= config.maxSize()) {
            DeferredCompletions.complete(result, joinError("", Errors.GROUP_MAX_SIZE_REACHED));
            return;
        }
        String instanceId = join.instanceId();
        String newMemberId = (instanceId != null ? instanceId : join.clientId()) + "-" + UUID.randomUUID();
        if (instanceId != null) {
            String existing = group.staticMemberId(instanceId);
            if (existing != null) {
                rejoinStaticMember(group, existing, newMemberId, join, result);
            } else {
                addMemberAndRebalance(group, newMemberId, join, result);
            }
        } else if (requireKnownMemberId) {
            int sessionTimeoutMs = join.data.sessionTimeoutMs();
            group.addPending(newMemberId, timer.schedule(sessionTimeoutMs, () -> expirePending(group, newMemberId)));
            DeferredCompletions.complete(result, joinError(newMemberId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMemberAndRebalance(group, newMemberId, join, result);
        }
    }

    private void joinKnownMember(ClassicGroup group, JoinRequest join,
                                 CompletableFuture<JoinGroupResponseData> result) {
        String memberId = join.data.memberId();
        if (group.removePending(memberId)) {
            addMemberAndRebalance(group, memberId, join, result);
            return;
        }
        Errors invalid = validateMember(group, memberId, join.instanceId());
        if (invalid != Errors.NONE) {
            DeferredCompletions.complete(result, joinError(memberId, invalid));
            return;
        }
        GroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, join, result);
            case COMPLETING_REBALANCE -> {
                if (member.matches(join.protocols)) {
                    // A retried JoinGroup whose response was lost: answer with the generation it already joined.
                    DeferredCompletions.complete(result,
                            joinResponse(group, member, group.leaderId(), group.isLeader(memberId)));
                } else {
                    updateMemberAndRebalance(group, member, join, result);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.matches(join.protocols)) {
                    // The leader rejoining (e.g. its subscription's metadata changed) or a changed subscription
                    // needs a new assignment.
                    updateMemberAndRebalance(group, member, join, result);
                } else {
                    DeferredCompletions.complete(result, joinResponse(group, member, group.leaderId(), false));
                }
            }
            case EMPTY, DEAD -> DeferredCompletions.complete(result, joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinRequest join,
                                       CompletableFuture<JoinGroupResponseData> result) {
        GroupMember member = new GroupMember(memberId, join.instanceId(), join.clientId(), join.clientHost(),
                join.rebalanceTimeoutMs(), join.data.sessionTimeoutMs(), join.protocols);
        group.rebalance().awaitJoin(member, result);
        group.add(member, join.data.protocolType());
        group.rebalance().memberAdded();
        prepareRebalanceOrTryComplete(group, "member " + memberId + " joined");
    }

    private void updateMemberAndRebalance(ClassicGroup group, GroupMember member, JoinRequest join,
                                          CompletableFuture<JoinGroupResponseData> result) {
        member.update(join.clientId(), join.clientHost(), join.rebalanceTimeoutMs(), join.data.sessionTimeoutMs(),
                join.protocols);
        awaitJoin(group, member, result);
        prepareRebalanceOrTryComplete(group, "member " + member.memberId() + " rejoined");
    }

    /** Parks the member's JoinGroup; a superseded one is answered so the connection's later responses flow. */
    private static void awaitJoin(ClassicGroup group, GroupMember member,
                                  CompletableFuture<JoinGroupResponseData> result) {
        CompletableFuture<JoinGroupResponseData> superseded = group.rebalance().awaitJoin(member, result);
        if (superseded != null) {
            DeferredCompletions.complete(superseded, joinError(member.memberId(), Errors.REBALANCE_IN_PROGRESS));
        }
        group.rebalance().cancelSession(member);
    }

    /**
     * KIP-345: a static member restarting with its instance id takes over its old member id's place. When the
     * group is stable and the member asks for exactly what it had, it keeps its assignment and no rebalance
     * happens; the response names the old leader id so the member does not think it must assign.
     */
    private void rejoinStaticMember(ClassicGroup group, String oldMemberId, String newMemberId, JoinRequest join,
                                    CompletableFuture<JoinGroupResponseData> result) {
        String leaderBefore = group.leaderId();
        GroupMember member = group.member(oldMemberId);
        fence(group, member);
        boolean unchanged = StaticRejoin.asksForTheSame(group.protocolType(), member.protocols(), join.protocols);
        group.replaceStaticMember(join.instanceId(), oldMemberId, newMemberId);
        member.update(join.clientId(), join.clientHost(), join.rebalanceTimeoutMs(), join.data.sessionTimeoutMs(),
                join.protocols);
        switch (group.state()) {
            case STABLE -> {
                if (unchanged && group.selectProtocol().equals(group.protocolName())) {
                    log.info("Static member {} of group {} rejoined as {} without a rebalance", join.instanceId(),
                            group.groupId(), newMemberId);
                    scheduleSession(group, member);
                    DeferredCompletions.complete(result, joinResponse(group, member, leaderBefore, false));
                } else {
                    awaitJoin(group, member, result);
                    prepareRebalanceOrTryComplete(group, "static member " + join.instanceId() + " rejoined changed");
                }
            }
            case COMPLETING_REBALANCE, PREPARING_REBALANCE -> {
                awaitJoin(group, member, result);
                prepareRebalanceOrTryComplete(group, "static member " + join.instanceId() + " rejoined");
            }
            case EMPTY, DEAD -> DeferredCompletions.complete(result, joinError(newMemberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    /** Answers the requests a replaced static member incarnation still has outstanding. */
    private static void fence(ClassicGroup group, GroupMember member) {
        group.rebalance().cancelSession(member);
        answerWaiting(group, member, Errors.FENCED_INSTANCE_ID);
    }

    /** Answers the member's waiting JoinGroup and SyncGroup, if any, with an error. */
    private static void answerWaiting(ClassicGroup group, GroupMember member, Errors error) {
        CompletableFuture<JoinGroupResponseData> join = group.rebalance().takeJoin(member);
        if (join != null) {
            DeferredCompletions.complete(join, joinError(member.memberId(), error));
        }
        CompletableFuture<SyncGroupResponseData> sync = group.rebalance().takeSync(member);
        if (sync != null) {
            DeferredCompletions.complete(sync, syncError(error));
        }
    }

    // ---------------------------------------------------------------- rebalance

    private void prepareRebalanceOrTryComplete(ClassicGroup group, String reason) {
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            tryCompleteJoin(group);
        } else {
            prepareRebalance(group, reason);
        }
    }

    private void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            // The assignment being computed is for members that are changing: nobody gets it.
            failAssignment(group, Errors.REBALANCE_IN_PROGRESS);
        }
        boolean initial = group.is(GroupState.EMPTY) && config.initialRebalanceDelayMs() > 0;
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        log.info("Preparing to rebalance group {} (generation {}): {}", group.groupId(), group.generationId(), reason);
        if (initial) {
            int rebalanceTimeoutMs = group.rebalanceTimeoutMs();
            group.rebalance().startInitialDelay(Math.max(rebalanceTimeoutMs - config.initialRebalanceDelayMs(), 0));
            scheduleJoinTimer(group, config.initialRebalanceDelayMs(), this::initialDelayElapsed);
        } else {
            scheduleJoinTimer(group, group.rebalanceTimeoutMs(), this::completeJoin);
            tryCompleteJoin(group);
        }
    }

    private void initialDelayElapsed(ClassicGroup group) {
        long nextStep = group.rebalance().nextDelayStep(config.initialRebalanceDelayMs());
        if (nextStep > 0) {
            scheduleJoinTimer(group, nextStep, this::initialDelayElapsed);
        } else {
            completeJoin(group);
        }
    }

    private void tryCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.rebalance().initialJoinInProgress()
                && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /**
     * Ends the join phase (everyone rejoined, or the rebalance timeout passed): members that did not rejoin are
     * removed, the next generation starts, and every waiting JoinGroup is answered; the leader gets the members'
     * metadata to compute the assignment.
     */
    private void completeJoin(ClassicGroup group) {
        if (!group.is(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        group.rebalance().cancelJoinTimer();
        group.rebalance().endInitialDelay();
        for (GroupMember missing : group.membersNotRejoined()) {
            log.info("Removing member {} from group {}: it did not rejoin before the rebalance timeout",
                    missing.memberId(), group.groupId());
            removeMember(group, missing);
        }
        group.initNextGeneration();
        log.info("Group {} generation {} with {} member(s), protocol {}", group.groupId(), group.generationId(),
                group.members().size(), group.protocolName());
        if (group.is(GroupState.EMPTY)) {
            storeEmptyGroup(group);
        }
        for (GroupMember member : List.copyOf(group.members())) {
            boolean leader = group.isLeader(member.memberId());
            CompletableFuture<JoinGroupResponseData> waiting = group.rebalance().takeJoin(member);
            scheduleSession(group, member);
            DeferredCompletions.complete(waiting, joinResponse(group, member, group.leaderId(), leader));
        }
    }

    /**
     * In the group's event, so records reach the log in the order the group changed: the group's empty
     * generation is stored so a new coordinator continues from it. Nobody waits for it, as in Kafka.
     */
    private void storeEmptyGroup(ClassicGroup group) {
        int generation = group.generationId();
        offsets.storeGroup(group.toMetadata(Map.of(), timer.nowMs())).whenComplete((done, failure) -> {
            if (failure != null) {
                log.warn("Could not store empty generation {} of group {}: {}", generation, group.groupId(),
                        groupStoreError(failure));
            }
        });
    }

    private void scheduleJoinTimer(ClassicGroup group, long delayMs, Consumer<ClassicGroup> action) {
        long epoch = group.rebalance().resetJoinTimer();
        group.rebalance().joinTimer(timer.schedule(delayMs, () -> groups.runDo(group, () -> {
            if (group.rebalance().takeJoinTimer(epoch)) {
                action.accept(group);
            }
        })));
    }

    // ---------------------------------------------------------------- sessions and removal

    /** (Re)arms the member's session: it is removed if nothing is heard from it for its session timeout. */
    /**
     * In the group's event: a group converted from a KIP-848 consumer group (its last consumer-protocol member left)
     * is served here from now on; its members' sessions start and a rebalance begins, so each rejoins with the
     * classic protocol and the leader assigns again.
     */
    void adoptConverted(ClassicGroup group) {
        groups.put(group);
        group.members().forEach(member -> scheduleSession(group, member));
        prepareRebalance(group, "the group became classic again");
    }

    void scheduleSession(ClassicGroup group, GroupMember member) {
        long epoch = group.rebalance().cancelSession(member);
        if (group.rebalance().awaitsJoin(member)) {
            return;
        }
        group.rebalance().session(member, timer.schedule(member.sessionTimeoutMs(), () -> groups.runDo(group, () -> {
            if (group.rebalance().takeSession(member, epoch) && group.member(member.memberId()) == member
                    && !group.rebalance().awaitsJoin(member)) {
                log.info("Member {} of group {} timed out after {} ms without a heartbeat", member.memberId(),
                        group.groupId(), member.sessionTimeoutMs());
                removeMemberAndUpdateGroup(group, member);
            }
        })));
    }

    private void expirePending(ClassicGroup group, String memberId) {
        groups.runDo(group, () -> {
            if (group.removePending(memberId)) {
                log.info("Pending member {} of group {} did not join in time", memberId, group.groupId());
                tryCompleteJoin(group);
            }
        });
    }

    private static void removeMember(ClassicGroup group, GroupMember member) {
        group.remove(member.memberId());
        answerWaiting(group, member, Errors.UNKNOWN_MEMBER_ID);
        group.rebalance().forget(member);
    }

    private void removeMemberAndUpdateGroup(ClassicGroup group, GroupMember member) {
        removeMember(group, member);
        afterMembershipShrank(group, "member " + member.memberId() + " left");
    }

    private void afterMembershipShrank(ClassicGroup group, String reason) {
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> tryCompleteJoin(group);
            case EMPTY, DEAD -> {
            }
        }
    }

    /** FENCED_INSTANCE_ID when another incarnation holds the instance id; UNKNOWN_MEMBER_ID when not a member. */
    static Errors validateMember(ClassicGroup group, String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = group.staticMemberId(groupInstanceId);
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            return current.equals(memberId) ? Errors.NONE : Errors.FENCED_INSTANCE_ID;
        }
        return group.hasMember(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    // ---------------------------------------------------------------- SyncGroup, Heartbeat, LeaveGroup

    CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        Errors notHere = groups.errorFor(request.groupId());
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(syncError(notHere));
        }
        ClassicGroup group = groups.find(request.groupId());
        if (group == null) {
            return CompletableFuture.completedFuture(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        CompletableFuture<SyncGroupResponseData> result = new CompletableFuture<>();
        groups.runDo(group, () -> {
            Errors invalid = validateSync(group, request);
            if (invalid != Errors.NONE) {
                DeferredCompletions.complete(result, syncError(invalid));
                return;
            }
            GroupMember member = group.member(request.memberId());
            switch (group.state()) {
                case PREPARING_REBALANCE ->
                        DeferredCompletions.complete(result, syncError(Errors.REBALANCE_IN_PROGRESS));
                case COMPLETING_REBALANCE -> {
                    CompletableFuture<SyncGroupResponseData> superseded = group.rebalance().awaitSync(member, result);
                    if (superseded != null) {
                        DeferredCompletions.complete(superseded, syncError(Errors.REBALANCE_IN_PROGRESS));
                    }
                    scheduleSession(group, member);
                    if (group.isLeader(member.memberId())) {
                        applyAssignment(group, request);
                    }
                }
                case STABLE -> {
                    scheduleSession(group, member);
                    DeferredCompletions.complete(result, syncResponse(group, member.assignment()));
                }
                case EMPTY, DEAD -> DeferredCompletions.complete(result, syncError(Errors.UNKNOWN_MEMBER_ID));
            }
        });
        return result;
    }

    private static Errors validateSync(ClassicGroup group, SyncGroupRequestData request) {
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors invalid = validateMember(group, request.memberId(), request.groupInstanceId());
        if (invalid != Errors.NONE) {
            return invalid;
        }
        if (request.generationId() != group.generationId()) {
            return Errors.ILLEGAL_GENERATION;
        }
        if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType()))
                || (request.protocolName() != null && !request.protocolName().equals(group.protocolName()))) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return Errors.NONE;
    }

    /**
     * The leader's assignment is stored with the group's metadata first; once the in-sync replicas have it every
     * member gets its part (empty if the leader left it out) and the group is stable, so a coordinator taking over
     * continues this generation. Appended in the group's event so records reach the log in the order the group
     * changed.
     */
    private void applyAssignment(ClassicGroup group, SyncGroupRequestData request) {
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequestAssignment assignment : request.assignments()) {
            assignments.put(assignment.memberId(), assignment.assignment());
        }
        int generation = group.generationId();
        offsets.storeGroup(group.toMetadata(assignments, timer.nowMs())).whenComplete((done, failure) -> {
            groups.runDo(group, () -> {
                // Members may have joined or left while the record was replicated: then a newer rebalance owns
                // the group and this assignment is for nobody.
                if (!group.is(GroupState.COMPLETING_REBALANCE) || group.generationId() != generation) {
                    return;
                }
                if (failure != null) {
                    Errors error = groupStoreError(failure);
                    log.warn("Could not store the assignment of group {} generation {}: {}", group.groupId(),
                            generation, error);
                    failAssignment(group, error);
                    prepareRebalance(group, "storing the assignment failed");
                } else {
                    completeAssignment(group, assignments);
                }
            });
        });
    }

    private static void completeAssignment(ClassicGroup group, Map<String, byte[]> assignments) {
        for (GroupMember member : group.members()) {
            member.assignment(assignments.get(member.memberId()));
        }
        group.transitionTo(GroupState.STABLE);
        for (GroupMember member : group.members()) {
            CompletableFuture<SyncGroupResponseData> sync = group.rebalance().takeSync(member);
            if (sync != null) {
                DeferredCompletions.complete(sync, syncResponse(group, member.assignment()));
            }
        }
    }

    private static void failAssignment(ClassicGroup group, Errors error) {
        for (GroupMember member : group.members()) {
            member.assignment(GroupMember.NO_BYTES);
            CompletableFuture<SyncGroupResponseData> sync = group.rebalance().takeSync(member);
            if (sync != null) {
                DeferredCompletions.complete(sync, syncError(error));
            }
        }
    }

    CompletableFuture<Errors> heartbeat(HeartbeatRequestData request) {
        Errors notHere = groups.errorFor(request.groupId());
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(notHere);
        }
        ClassicGroup group = groups.find(request.groupId());
        if (group == null) {
            return CompletableFuture.completedFuture(Errors.UNKNOWN_MEMBER_ID);
        }
        return groups.run(group, () -> {
            if (group.is(GroupState.DEAD)) {
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            if (group.is(GroupState.EMPTY)) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            Errors invalid = validateMember(group, request.memberId(), request.groupInstanceId());
            if (invalid != Errors.NONE) {
                return invalid;
            }
            if (request.generationId() != group.generationId()) {
                return Errors.ILLEGAL_GENERATION;
            }
            scheduleSession(group, group.member(request.memberId()));
            // During a rebalance the answer tells the member to rejoin.
            return group.is(GroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
        });
    }

    /** Members leave (v3+ may name several, by member id or by group instance id); errors are per member. */
    CompletableFuture<LeaveGroupResponseData> leaveGroup(String groupId, List<MemberIdentity> leaving) {
        LeaveGroupResponseData response = new LeaveGroupResponseData();
        Errors notHere = groups.errorFor(groupId);
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(response.setErrorCode(notHere.code()));
        }
        ClassicGroup group = groups.find(groupId);
        if (group == null) {
            for (MemberIdentity identity : leaving) {
                response.members().add(memberResponse(identity, Errors.UNKNOWN_MEMBER_ID));
            }
            return CompletableFuture.completedFuture(response);
        }
        return groups.run(group, () -> {
            if (group.is(GroupState.DEAD)) {
                return response.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
            }
            boolean removed = false;
            for (MemberIdentity identity : leaving) {
                Errors error = leaveOne(group, identity);
                removed |= error == Errors.NONE;
                response.members().add(memberResponse(identity, error));
            }
            if (removed) {
                afterMembershipShrank(group, "members left the group");
            }
            return response;
        });
    }

    private Errors leaveOne(ClassicGroup group, MemberIdentity identity) {
        String memberId = identity.memberId();
        if (identity.groupInstanceId() != null) {
            String current = group.staticMemberId(identity.groupInstanceId());
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(current)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            removeMember(group, group.member(current));
            return Errors.NONE;
        }
        if (group.removePending(memberId)) {
            return Errors.NONE;
        }
        GroupMember member = group.member(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        removeMember(group, member);
        return Errors.NONE;
    }

    private static MemberResponse memberResponse(MemberIdentity identity, Errors error) {
        return new MemberResponse().setMemberId(identity.memberId()).setGroupInstanceId(identity.groupInstanceId())
                .setErrorCode(error.code());
    }

    /**
     * In the group's event, when this node stops serving it: its timers stop and its waiting members are sent
     * to find the coordinator again.
     */
    static void stopServing(ClassicGroup group) {
        group.rebalance().cancelJoinTimer();
        for (String pending : group.pendingMemberIds()) {
            group.removePending(pending);
        }
        for (GroupMember member : group.members()) {
            group.rebalance().cancelSession(member);
            answerWaiting(group, member, Errors.NOT_COORDINATOR);
        }
    }
}
