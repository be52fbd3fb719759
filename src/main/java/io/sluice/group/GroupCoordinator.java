package io.sluice.group;

import static io.sluice.util.Futures.unwrap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) and the group side of offset
 * commits, for every group on this node. Each group is guarded by its own monitor; requests never wait for one
 * another: a JoinGroup or SyncGroup that must wait for the rest of the group gets a future completed when the
 * rebalance or the leader's assignment completes, on whichever thread brings that about.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    /** Kafka's offset.metadata.max.bytes default. */
    static final int MAX_OFFSET_METADATA_BYTES = 4096;

    /** A group as ListGroups shows it. */
    public record GroupListing(String groupId, String protocolType, GroupState state) {
    }

    private final OffsetStore offsets;
    private final GroupTimer timer;
    private final GroupConfig config;
    private final GroupOwnership ownership;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();

    /** A coordinator of every group (a single node). */
    public GroupCoordinator(OffsetStore offsets, GroupTimer timer, GroupConfig config) {
        this(offsets, timer, config, GroupOwnership.ALL);
    }

    /** A coordinator of the groups ownership says are here; requests for the others get its error. */
    public GroupCoordinator(OffsetStore offsets, GroupTimer timer, GroupConfig config, GroupOwnership ownership) {
        this.offsets = offsets;
        this.timer = timer;
        this.config = config;
        this.ownership = ownership;
    }

    // ---------------------------------------------------------------- JoinGroup

    /**
     * Joins (or rejoins) a member. requireKnownMemberId is KIP-394's rule for JoinGroup v4+: a dynamic member
     * without an id is handed one with MEMBER_ID_REQUIRED and must join again with it.
     */
    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, String clientId,
                                                              String clientHost, boolean requireKnownMemberId) {
        String groupId = request.groupId();
        String memberId = request.memberId();
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(joinError(memberId, Errors.INVALID_GROUP_ID));
        }
        Errors notHere = ownership.errorFor(groupId);
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(joinError(memberId, notHere));
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return CompletableFuture.completedFuture(joinError(memberId, Errors.INVALID_SESSION_TIMEOUT));
        }
        boolean newMember = memberId.isEmpty();
        ClassicGroup group = newMember ? groups.computeIfAbsent(groupId, ClassicGroup::new) : findGroup(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
        JoinRequest join = new JoinRequest(request, clientId, clientHost, protocolsOf(request));
        CompletableFuture<JoinGroupResponseData> result = new CompletableFuture<>();
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
                if (group.is(GroupState.DEAD)) {
                    // Deleted or unloaded since we looked it up: the client rediscovers the coordinator and retries.
                    result.complete(joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
                } else if (ownership.errorFor(groupId) != Errors.NONE) {
                    // Leadership moved while the request was on its way; a group it just created here goes again.
                    if (group.is(GroupState.EMPTY) && group.size() == 0) {
                        groups.remove(groupId, group);
                    }
                    result.complete(joinError(memberId, ownership.errorFor(groupId)));
                } else if (!group.supportsProtocols(request.protocolType(), join.protocols)) {
                    result.complete(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
                } else if (newMember) {
                    joinNewMember(group, join, requireKnownMemberId, result);
                } else {
                    joinKnownMember(group, join, result);
                }
            }
        }
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
            result.complete(joinError("", Errors.GROUP_MAX_SIZE_REACHED));
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
            result.complete(joinError(newMemberId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMemberAndRebalance(group, newMemberId, join, result);
        }
    }

    private void joinKnownMember(ClassicGroup group, JoinRequest join, CompletableFuture<JoinGroupResponseData> result) {
        String memberId = join.data.memberId();
        if (group.removePending(memberId)) {
            addMemberAndRebalance(group, memberId, join, result);
            return;
        }
        Errors invalid = validateMember(group, memberId, join.instanceId());
        if (invalid != Errors.NONE) {
            result.complete(joinError(memberId, invalid));
            return;
        }
        GroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(group, member, join, result);
            case COMPLETING_REBALANCE -> {
                if (member.matches(join.protocols)) {
                    // A retried JoinGroup whose response was lost: answer with the generation it already joined.
                    result.complete(joinResponse(group, member, group.leaderId(), group.isLeader(memberId)));
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
                    result.complete(joinResponse(group, member, group.leaderId(), false));
                }
            }
            case EMPTY, DEAD -> result.complete(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinRequest join,
                                       CompletableFuture<JoinGroupResponseData> result) {
        GroupMember member = new GroupMember(memberId, join.instanceId(), join.clientId(), join.clientHost(),
                join.rebalanceTimeoutMs(), join.data.sessionTimeoutMs(), join.protocols);
        member.awaitingJoin = result;
        group.add(member, join.data.protocolType());
        if (group.initialJoinInProgress) {
            group.newMemberAdded = true;
        }
        prepareRebalanceOrTryComplete(group, "member " + memberId + " joined");
    }

    private void updateMemberAndRebalance(ClassicGroup group, GroupMember member, JoinRequest join,
                                          CompletableFuture<JoinGroupResponseData> result) {
        member.update(join.clientId(), join.clientHost(), join.rebalanceTimeoutMs(), join.data.sessionTimeoutMs(),
                join.protocols);
        awaitJoin(member, result);
        prepareRebalanceOrTryComplete(group, "member " + member.memberId() + " rejoined");
    }

    /** Parks the member's JoinGroup; a superseded one is answered so the connection's later responses flow. */
    private void awaitJoin(GroupMember member, CompletableFuture<JoinGroupResponseData> result) {
        if (member.awaitingJoin != null && member.awaitingJoin != result) {
            DeferredCompletions.complete(member.awaitingJoin, joinError(member.memberId(), Errors.REBALANCE_IN_PROGRESS));
        }
        member.awaitingJoin = result;
        cancelSession(member);
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
        fence(member);
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
                    result.complete(joinResponse(group, member, leaderBefore, false));
                } else {
                    awaitJoin(member, result);
                    prepareRebalanceOrTryComplete(group, "static member " + join.instanceId() + " rejoined changed");
                }
            }
            case COMPLETING_REBALANCE, PREPARING_REBALANCE -> {
                awaitJoin(member, result);
                prepareRebalanceOrTryComplete(group, "static member " + join.instanceId() + " rejoined");
            }
            case EMPTY, DEAD -> result.complete(joinError(newMemberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    /** Answers the requests a replaced static member incarnation still has outstanding. */
    private void fence(GroupMember member) {
        cancelSession(member);
        if (member.awaitingJoin != null) {
            DeferredCompletions.complete(member.awaitingJoin, joinError(member.memberId(), Errors.FENCED_INSTANCE_ID));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null) {
            DeferredCompletions.complete(member.awaitingSync, syncError(Errors.FENCED_INSTANCE_ID));
            member.awaitingSync = null;
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
            for (GroupMember member : group.members()) {
                member.assignment(GroupMember.NO_BYTES);
                if (member.awaitingSync != null) {
                    DeferredCompletions.complete(member.awaitingSync, syncError(Errors.REBALANCE_IN_PROGRESS));
                    member.awaitingSync = null;
                }
            }
        }
        boolean initial = group.is(GroupState.EMPTY) && config.initialRebalanceDelayMs() > 0;
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        log.info("Preparing to rebalance group {} (generation {}): {}", group.groupId(), group.generationId(), reason);
        if (initial) {
            int rebalanceTimeoutMs = group.rebalanceTimeoutMs();
            group.initialJoinInProgress = true;
            group.newMemberAdded = false;
            group.initialDelayRemainingMs = Math.max(rebalanceTimeoutMs - config.initialRebalanceDelayMs(), 0);
            scheduleJoinTimer(group, config.initialRebalanceDelayMs(), this::initialDelayElapsed);
        } else {
            scheduleJoinTimer(group, group.rebalanceTimeoutMs(), this::completeJoin);
            tryCompleteJoin(group);
        }
    }

    private void initialDelayElapsed(ClassicGroup group) {
        if (group.newMemberAdded && group.initialDelayRemainingMs > 0) {
            group.newMemberAdded = false;
            long delay = Math.min(config.initialRebalanceDelayMs(), group.initialDelayRemainingMs);
            group.initialDelayRemainingMs -= delay;
            scheduleJoinTimer(group, delay, this::initialDelayElapsed);
        } else {
            completeJoin(group);
        }
    }

    private void tryCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialJoinInProgress && group.hasAllMembersJoined()) {
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
        cancelJoinTimer(group);
        group.initialJoinInProgress = false;
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
            CompletableFuture<JoinGroupResponseData> waiting = member.awaitingJoin;
            member.awaitingJoin = null;
            scheduleSession(group, member);
            DeferredCompletions.complete(waiting, joinResponse(group, member, group.leaderId(), leader));
        }
    }

    /**
     * Under the group's monitor, so records reach the log in the order the group changed: the group's empty
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
        cancelJoinTimer(group);
        long epoch = ++group.joinTimerEpoch;
        group.joinTimer = timer.schedule(delayMs, () -> {
            try (DeferredCompletions deferred = DeferredCompletions.open()) {
                synchronized (group) {
                    if (group.joinTimerEpoch == epoch && group.joinTimer != null) {
                        group.joinTimer = null;
                        action.accept(group);
                    }
                }
            }
        });
    }

    private static void cancelJoinTimer(ClassicGroup group) {
        group.joinTimerEpoch++;
        if (group.joinTimer != null) {
            group.joinTimer.cancel();
            group.joinTimer = null;
        }
    }

    // ---------------------------------------------------------------- sessions and removal

    /** (Re)arms the member's session: it is removed if nothing is heard from it for its session timeout. */
    private void scheduleSession(ClassicGroup group, GroupMember member) {
        cancelSession(member);
        if (member.awaitingJoin != null) {
            return;
        }
        long epoch = member.sessionTimerEpoch;
        member.sessionTimer = timer.schedule(member.sessionTimeoutMs(), () -> {
            try (DeferredCompletions deferred = DeferredCompletions.open()) {
                synchronized (group) {
                    if (member.sessionTimerEpoch == epoch && group.member(member.memberId()) == member
                            && member.awaitingJoin == null) {
                        member.sessionTimer = null;
                        log.info("Member {} of group {} timed out after {} ms without a heartbeat", member.memberId(),
                                group.groupId(), member.sessionTimeoutMs());
                        removeMemberAndUpdateGroup(group, member);
                    }
                }
            }
        });
    }

    private static void cancelSession(GroupMember member) {
        member.sessionTimerEpoch++;
        if (member.sessionTimer != null) {
            member.sessionTimer.cancel();
            member.sessionTimer = null;
        }
    }

    private void expirePending(ClassicGroup group, String memberId) {
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
                if (group.removePending(memberId)) {
                    log.info("Pending member {} of group {} did not join in time", memberId, group.groupId());
                    tryCompleteJoin(group);
                }
            }
        }
    }

    private void removeMember(ClassicGroup group, GroupMember member) {
        cancelSession(member);
        group.remove(member.memberId());
        if (member.awaitingJoin != null) {
            DeferredCompletions.complete(member.awaitingJoin, joinError(member.memberId(), Errors.UNKNOWN_MEMBER_ID));
            member.awaitingJoin = null;
        }
        if (member.awaitingSync != null) {
            DeferredCompletions.complete(member.awaitingSync, syncError(Errors.UNKNOWN_MEMBER_ID));
            member.awaitingSync = null;
        }
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
    private static Errors validateMember(ClassicGroup group, String memberId, String groupInstanceId) {
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

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        Errors notHere = ownership.errorFor(request.groupId());
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(syncError(notHere));
        }
        ClassicGroup group = findGroup(request.groupId());
        if (group == null) {
            return CompletableFuture.completedFuture(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        CompletableFuture<SyncGroupResponseData> result = new CompletableFuture<>();
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
                Errors invalid = validateSync(group, request);
                if (invalid != Errors.NONE) {
                    result.complete(syncError(invalid));
                    return result;
                }
                GroupMember member = group.member(request.memberId());
                switch (group.state()) {
                    case PREPARING_REBALANCE -> result.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
                    case COMPLETING_REBALANCE -> {
                        if (member.awaitingSync != null) {
                            DeferredCompletions.complete(member.awaitingSync, syncError(Errors.REBALANCE_IN_PROGRESS));
                        }
                        member.awaitingSync = result;
                        scheduleSession(group, member);
                        if (group.isLeader(member.memberId())) {
                            applyAssignment(group, request);
                        }
                    }
                    case STABLE -> {
                        scheduleSession(group, member);
                        result.complete(syncResponse(group, member.assignment()));
                    }
                    case EMPTY, DEAD -> result.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
                }
            }
        }
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
     * continues this generation. Appended under the group's monitor so records reach the log in the order the
     * group changed.
     */
    private void applyAssignment(ClassicGroup group, SyncGroupRequestData request) {
        Map<String, byte[]> assignments = new HashMap<>();
        for (SyncGroupRequestAssignment assignment : request.assignments()) {
            assignments.put(assignment.memberId(), assignment.assignment());
        }
        int generation = group.generationId();
        offsets.storeGroup(group.toMetadata(assignments, timer.nowMs())).whenComplete((done, failure) -> {
            try (DeferredCompletions deferred = DeferredCompletions.open()) {
                synchronized (group) {
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
                }
            }
        });
    }

    private static void completeAssignment(ClassicGroup group, Map<String, byte[]> assignments) {
        for (GroupMember member : group.members()) {
            member.assignment(assignments.get(member.memberId()));
        }
        group.transitionTo(GroupState.STABLE);
        for (GroupMember member : group.members()) {
            if (member.awaitingSync != null) {
                DeferredCompletions.complete(member.awaitingSync, syncResponse(group, member.assignment()));
                member.awaitingSync = null;
            }
        }
    }

    private static void failAssignment(ClassicGroup group, Errors error) {
        for (GroupMember member : group.members()) {
            member.assignment(GroupMember.NO_BYTES);
            if (member.awaitingSync != null) {
                DeferredCompletions.complete(member.awaitingSync, syncError(error));
                member.awaitingSync = null;
            }
        }
    }

    public Errors heartbeat(HeartbeatRequestData request) {
        Errors notHere = ownership.errorFor(request.groupId());
        if (notHere != Errors.NONE) {
            return notHere;
        }
        ClassicGroup group = findGroup(request.groupId());
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
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
            }
        }
    }

    /** Members leave (v3+ may name several, by member id or by group instance id); errors are per member. */
    public LeaveGroupResponseData leaveGroup(String groupId, List<MemberIdentity> leaving) {
        LeaveGroupResponseData response = new LeaveGroupResponseData();
        Errors notHere = ownership.errorFor(groupId);
        if (notHere != Errors.NONE) {
            return response.setErrorCode(notHere.code());
        }
        ClassicGroup group = findGroup(groupId);
        if (group == null) {
            for (MemberIdentity identity : leaving) {
                response.members().add(memberResponse(identity, Errors.UNKNOWN_MEMBER_ID));
            }
            return response;
        }
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
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
            }
        }
        return response;
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

    // ---------------------------------------------------------------- offsets

    /** OffsetCommit: checks the committer's membership and generation, then stores through the offset store. */
    public CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request, short version) {
        Errors notHere = ownership.errorFor(request.groupId());
        Errors invalid = notHere != Errors.NONE ? notHere : validateCommit(request, version);
        if (invalid != Errors.NONE) {
            return CompletableFuture.completedFuture(commitResponse(request, invalid, Map.of()));
        }
        long now = timer.nowMs();
        long expireTimestamp = request.retentionTimeMs() >= 0 ? now + request.retentionTimeMs() : -1;
        Map<TopicPartition, CommittedOffset> accepted = new HashMap<>();
        Map<TopicPartition, Errors> rejected = new HashMap<>();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), partition.partitionIndex());
                String metadata = partition.committedMetadata() == null ? "" : partition.committedMetadata();
                if (metadata.length() > MAX_OFFSET_METADATA_BYTES) {
                    rejected.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
                } else {
                    accepted.put(tp, new CommittedOffset(partition.committedOffset(), partition.committedLeaderEpoch(),
                            metadata, now, expireTimestamp));
                }
            }
        }
        if (accepted.isEmpty()) {
            return CompletableFuture.completedFuture(commitResponse(request, Errors.NONE, rejected));
        }
        return offsets.commit(request.groupId(), accepted).handle((done, failure) -> {
            Errors error = failure == null ? Errors.NONE : storeError(failure);
            if (failure != null) {
                log.warn("Could not store offsets of group {}: {}", request.groupId(), error, unwrap(failure));
            }
            return commitResponse(request, error, rejected);
        });
    }

    private Errors validateCommit(OffsetCommitRequestData request, short version) {
        int generation = request.generationIdOrMemberEpoch();
        String memberId = request.memberId() == null ? "" : request.memberId();
        ClassicGroup group = findGroup(request.groupId());
        if (group == null) {
            if (generation >= 0) {
                return version >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
            }
            // A consumer without group management (or an admin tool) commits to a group that only holds offsets.
            group = groups.computeIfAbsent(request.groupId(), ClassicGroup::new);
        }
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
                if (group.is(GroupState.DEAD)) {
                    return Errors.COORDINATOR_NOT_AVAILABLE;
                }
                if (generation < 0 && group.is(GroupState.EMPTY)) {
                    return Errors.NONE;
                }
                if (generation >= 0 || !memberId.isEmpty() || request.groupInstanceId() != null) {
                    Errors invalid = validateMember(group, memberId, request.groupInstanceId());
                    if (invalid != Errors.NONE) {
                        return invalid;
                    }
                    if (generation != group.generationId()) {
                        return Errors.ILLEGAL_GENERATION;
                    }
                } else {
                    // Someone outside the group commits while it is managed by its members.
                    return Errors.UNKNOWN_MEMBER_ID;
                }
                if (group.is(GroupState.COMPLETING_REBALANCE)) {
                    // The member has the new generation but not its assignment yet; it commits again after SyncGroup.
                    return Errors.REBALANCE_IN_PROGRESS;
                }
                return Errors.NONE;
            }
        }
    }

    private static OffsetCommitResponseData commitResponse(OffsetCommitRequestData request, Errors error,
                                                           Map<TopicPartition, Errors> perPartition) {
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            OffsetCommitResponseTopic responseTopic = new OffsetCommitResponseTopic().setName(topic.name());
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                Errors partitionError = perPartition.getOrDefault(
                        new TopicPartition(topic.name(), partition.partitionIndex()), error);
                responseTopic.partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(partition.partitionIndex()).setErrorCode(partitionError.code()));
            }
            response.topics().add(responseTopic);
        }
        return response;
    }

    /** The group's committed offsets (OffsetFetch); throws the ApiException of a group not served here. */
    public Map<TopicPartition, CommittedOffset> committedOffsets(String groupId) {
        Errors notHere = ownership.errorFor(groupId);
        if (notHere != Errors.NONE) {
            throw notHere.exception();
        }
        return offsets.fetch(groupId);
    }

    /** OffsetDelete: refused for topics the active group consumes, and for active groups of other kinds. */
    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        Errors notHere = ownership.errorFor(request.groupId());
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(new OffsetDeleteResponseData().setErrorCode(notHere.code()));
        }
        ClassicGroup group = findGroup(request.groupId());
        if (group == null) {
            return CompletableFuture.completedFuture(
                    new OffsetDeleteResponseData().setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()));
        }
        Map<TopicPartition, Errors> outcome = new HashMap<>();
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
                if (group.is(GroupState.DEAD)) {
                    return CompletableFuture.completedFuture(
                            new OffsetDeleteResponseData().setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()));
                }
                boolean active = !group.is(GroupState.EMPTY);
                if (active && !ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(group.protocolType())) {
                    return CompletableFuture.completedFuture(
                            new OffsetDeleteResponseData().setErrorCode(Errors.NON_EMPTY_GROUP.code()));
                }
                for (OffsetDeleteRequestTopic topic : request.topics()) {
                    Errors error = active && group.isSubscribedTo(topic.name())
                            ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
                    for (OffsetDeleteRequestPartition partition : topic.partitions()) {
                        outcome.put(new TopicPartition(topic.name(), partition.partitionIndex()), error);
                    }
                }
            }
        }
        Set<TopicPartition> deletable = new HashSet<>();
        outcome.forEach((tp, error) -> {
            if (error == Errors.NONE) {
                deletable.add(tp);
            }
        });
        CompletableFuture<Void> deleted = deletable.isEmpty()
                ? CompletableFuture.completedFuture(null) : offsets.delete(request.groupId(), deletable);
        return deleted.handle((done, failure) -> {
            if (failure != null) {
                return new OffsetDeleteResponseData().setErrorCode(storeError(failure).code());
            }
            OffsetDeleteResponseData response = new OffsetDeleteResponseData();
            for (OffsetDeleteRequestTopic topic : request.topics()) {
                OffsetDeleteResponseTopic responseTopic = new OffsetDeleteResponseTopic().setName(topic.name());
                for (OffsetDeleteRequestPartition partition : topic.partitions()) {
                    responseTopic.partitions().add(new OffsetDeleteResponsePartition()
                            .setPartitionIndex(partition.partitionIndex())
                            .setErrorCode(outcome.get(new TopicPartition(topic.name(), partition.partitionIndex())).code()));
                }
                response.topics().add(responseTopic);
            }
            return response;
        });
    }

    // ---------------------------------------------------------------- admin

    /** Every group this node coordinates, including groups that only hold committed offsets. */
    public List<GroupListing> listGroups() {
        Map<String, GroupListing> listings = new HashMap<>();
        for (String groupId : offsets.groups()) {
            listings.put(groupId, new GroupListing(groupId, "", GroupState.EMPTY));
        }
        for (ClassicGroup group : groups.values()) {
            try (DeferredCompletions deferred = DeferredCompletions.open()) {
                synchronized (group) {
                    if (!group.is(GroupState.DEAD)) {
                        String type = group.protocolType() == null ? "" : group.protocolType();
                        listings.put(group.groupId(), new GroupListing(group.groupId(), type, group.state()));
                    }
                }
            }
        }
        return new ArrayList<>(listings.values());
    }

    /**
     * DescribeGroups for one group, or null if there is no such group. Outside STABLE there is no protocol and
     * members are shown without metadata or assignment, as Kafka shows them. A group coordinated elsewhere (or
     * still loading) is answered with that error.
     */
    public DescribedGroup describeGroup(String groupId) {
        Errors notHere = ownership.errorFor(groupId);
        if (notHere != Errors.NONE) {
            return new DescribedGroup().setGroupId(groupId).setErrorCode(notHere.code()).setGroupState("")
                    .setProtocolType("").setProtocolData("");
        }
        ClassicGroup group = findGroup(groupId);
        if (group == null) {
            return null;
        }
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
                if (group.is(GroupState.DEAD)) {
                    return null;
                }
                boolean stable = group.is(GroupState.STABLE);
                DescribedGroup described = new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.NONE.code())
                        .setGroupState(group.state().kafkaName())
                        .setProtocolType(group.protocolType() == null ? "" : group.protocolType())
                        .setProtocolData(stable ? group.protocolName() : "");
                for (GroupMember member : group.members()) {
                    described.members().add(new DescribedGroupMember().setMemberId(member.memberId())
                            .setGroupInstanceId(member.groupInstanceId()).setClientId(member.clientId())
                            .setClientHost(member.clientHost())
                            .setMemberMetadata(stable ? member.metadata(group.protocolName()) : GroupMember.NO_BYTES)
                            .setMemberAssignment(stable ? member.assignment() : GroupMember.NO_BYTES));
                }
                return described;
            }
        }
    }

    /** DeleteGroups for one group: only an empty group can go; its committed offsets go with it. */
    public CompletableFuture<Errors> deleteGroup(String groupId) {
        Errors notHere = ownership.errorFor(groupId);
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(notHere);
        }
        ClassicGroup group = findGroup(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
        }
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
                if (group.is(GroupState.DEAD)) {
                    return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
                }
                if (!group.is(GroupState.EMPTY)) {
                    return CompletableFuture.completedFuture(Errors.NON_EMPTY_GROUP);
                }
                group.transitionTo(GroupState.DEAD);
                for (String pending : group.pendingMemberIds()) {
                    group.removePending(pending);
                }
                cancelJoinTimer(group);
                groups.remove(groupId, group);
            }
        }
        return offsets.deleteGroup(groupId).handle((done, failure) -> failure == null ? Errors.NONE : storeError(failure));
    }

    /** The group's state, for tests and tools; null if there is no such group. */
    public GroupState groupState(String groupId) {
        ClassicGroup group = findGroup(groupId);
        if (group == null) {
            return null;
        }
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
                return group.state();
            }
        }
    }

    /** Whether the group has no members (so its offsets may expire): unknown and offsets-only groups have none. */
    public boolean hasNoMembers(String groupId) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return true;
        }
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
                return group.members().isEmpty();
            }
        }
    }

    /**
     * Takes over groups from their stored metadata (this node now coordinates their offsets partition): each is
     * Stable in its stored generation, or Empty, and its members' sessions start now, so members that keep
     * heartbeating stay without a rebalance and the others expire as usual. A group already here is replaced.
     * Returns how many groups were loaded.
     */
    public int loadGroups(Collection<GroupMetadata> stored) {
        for (GroupMetadata metadata : stored) {
            ClassicGroup group = ClassicGroup.restore(metadata);
            try (DeferredCompletions deferred = DeferredCompletions.open()) {
                synchronized (group) {
                    for (GroupMember member : group.members()) {
                        scheduleSession(group, member);
                    }
                }
            }
            ClassicGroup replaced = groups.put(metadata.groupId(), group);
            if (replaced != null) {
                try (DeferredCompletions deferred = DeferredCompletions.open()) {
                    synchronized (replaced) {
                        stopServing(replaced);
                        if (!replaced.is(GroupState.DEAD)) {
                            replaced.transitionTo(GroupState.DEAD);
                        }
                    }
                }
            }
            log.info("Loaded group {} in generation {} ({}) with {} member(s)", metadata.groupId(),
                    metadata.generation(), group.state().kafkaName(), metadata.members().size());
        }
        return stored.size();
    }

    /** A group known in memory, or one that only has committed offsets (e.g. after a restart): an empty group. */
    private ClassicGroup findGroup(String groupId) {
        if (groupId == null) {
            return null;
        }
        ClassicGroup group = groups.get(groupId);
        if (group == null && offsets.groups().contains(groupId)) {
            group = groups.computeIfAbsent(groupId, ClassicGroup::new);
        }
        return group;
    }

    /**
     * Forgets the groups another node now coordinates (this one lost the leadership of their offsets partition):
     * waiting JoinGroup and SyncGroup requests are answered NOT_COORDINATOR so their members find the new
     * coordinator, and no timer of those groups fires here any more. Returns how many groups went.
     */
    public int unloadGroups(Predicate<String> movedAway) {
        int unloaded = 0;
        for (ClassicGroup group : groups.values()) {
            if (movedAway.test(group.groupId())) {
                try (DeferredCompletions deferred = DeferredCompletions.open()) {
                    synchronized (group) {
                        stopServing(group);
                        if (!group.is(GroupState.DEAD)) {
                            group.transitionTo(GroupState.DEAD);
                        }
                    }
                }
                groups.remove(group.groupId(), group);
                unloaded++;
            }
        }
        return unloaded;
    }

    /** Answers every waiting request with NOT_COORDINATOR (the broker is going away) and stops all timers. */
    @Override
    public void close() {
        for (ClassicGroup group : groups.values()) {
            try (DeferredCompletions deferred = DeferredCompletions.open()) {
                synchronized (group) {
                    stopServing(group);
                }
            }
        }
    }

    /** Under the group's monitor: stops its timers and sends its waiting members to find the coordinator again. */
    private static void stopServing(ClassicGroup group) {
        cancelJoinTimer(group);
        for (String pending : group.pendingMemberIds()) {
            group.removePending(pending);
        }
        for (GroupMember member : group.members()) {
            cancelSession(member);
            if (member.awaitingJoin != null) {
                DeferredCompletions.complete(member.awaitingJoin, joinError(member.memberId(), Errors.NOT_COORDINATOR));
                member.awaitingJoin = null;
            }
            if (member.awaitingSync != null) {
                DeferredCompletions.complete(member.awaitingSync, syncError(Errors.NOT_COORDINATOR));
                member.awaitingSync = null;
            }
        }
    }

    // ---------------------------------------------------------------- responses

    private static JoinGroupResponseData joinResponse(ClassicGroup group, GroupMember member, String leaderId,
                                                      boolean withMembers) {
        JoinGroupResponseData response = new JoinGroupResponseData().setErrorCode(Errors.NONE.code())
                .setGenerationId(group.generationId()).setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName()).setLeader(leaderId).setMemberId(member.memberId());
        if (withMembers) {
            for (GroupMember each : group.members()) {
                response.members().add(new JoinGroupResponseMember().setMemberId(each.memberId())
                        .setGroupInstanceId(each.groupInstanceId()).setMetadata(each.metadata(group.protocolName())));
            }
        }
        return response;
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1).setMemberId(memberId)
                .setLeader("").setProtocolName(null);
    }

    private static SyncGroupResponseData syncResponse(ClassicGroup group, byte[] assignment) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code()).setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName()).setAssignment(assignment);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(GroupMember.NO_BYTES);
    }

    /** A failure to store group metadata as the leader's SyncGroup should see it, mapped as Kafka maps it. */
    static Errors groupStoreError(Throwable failure) {
        Errors error = Errors.forException(unwrap(failure));
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case REQUEST_TIMED_OUT -> Errors.REBALANCE_IN_PROGRESS;
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS -> error;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    /** A store failure as a committing client should see it, mapped as Kafka maps offset-log append errors. */
    static Errors storeError(Throwable failure) {
        Errors error = Errors.forException(unwrap(failure));
        return switch (error) {
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS -> error;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }
}
