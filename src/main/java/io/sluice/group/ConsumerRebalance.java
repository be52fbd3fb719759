package io.sluice.group;

import com.google.re2j.PatternSyntaxException;
import io.sluice.group.consumer.Assignments;
import io.sluice.group.consumer.ConsumerGroup;
import io.sluice.group.consumer.ConsumerGroupMember;
import io.sluice.group.consumer.ConsumerGroupRecord;
import io.sluice.group.consumer.MemberReconciliation;
import io.sluice.group.consumer.MemberState;
import io.sluice.group.consumer.assignor.PartitionAssignor;
import io.sluice.group.consumer.TopicSubscriptions;
import io.sluice.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KIP-848's consumer group protocol for the groups served here: ConsumerGroupHeartbeat (join, heartbeat, leave,
 * static leave), member sessions ({@code group.consumer.session.timeout.ms}), the revocation deadline (a member
 * must give up what it is asked to revoke within its rebalance timeout, or it is fenced), the group epoch and the
 * broker-computed target assignment ({@link PartitionAssignor}), and each member's incremental reconciliation
 * ({@link MemberReconciliation}).
 *
 * <p>A heartbeat's change is applied to the group in its event and written to {@code __consumer_offsets} as
 * Kafka's records in the same event (so records reach the log in the order the group changed); the member hears
 * the answer once they are replicated. A write that fails (this node no longer leads the group's offsets partition,
 * or too few replicas are in sync) is answered with its error and the group goes back to what its written records
 * say.
 *
 * <p>Threading: any thread may call; everything touching a group runs in its events ({@link Groups#run}); the
 * timer handles are in a concurrent map, each touched only in its group's events.
 */
final class ConsumerRebalance {
    private static final Logger log = LoggerFactory.getLogger(ConsumerRebalance.class);
    /** The heartbeat interval of a member that has partitions to receive or to give up. */
    private static final int RECONCILING_HEARTBEAT_INTERVAL_MS = 250;

    private final Groups groups;
    private final OffsetStore store;
    private final GroupTimer timer;
    private final ConsumerGroupConfig config;
    private final Supplier<MetadataImage> metadata;
    private final ClassicRebalance classicGroups;
    private final TopicSubscriptions subscriptions = new TopicSubscriptions();
    private final TargetAssignments targetAssignments;
    /** Per group and member: its session timer and, while it must revoke partitions, its revocation deadline. */
    private final Map<String, Map<String, MemberTimers>> timers = new ConcurrentHashMap<>();

    private static final class MemberTimers {
        GroupTimer.Scheduled session;
        GroupTimer.Scheduled revocation;
        /** The epoch the revocation deadline was set for: a later revocation gets a deadline of its own. */
        int revocationEpoch = Integer.MIN_VALUE;

        void cancel() {
            if (session != null) {
                session.cancel();
            }
            cancelRevocation();
        }

        void cancelRevocation() {
            if (revocation != null) {
                revocation.cancel();
                revocation = null;
            }
            revocationEpoch = Integer.MIN_VALUE;
        }
    }

    /** What a heartbeat's event decided: the answer, and the records to write before it is sent. */
    private record Outcome(ConsumerGroupHeartbeatResponseData response, List<ConsumerGroupRecord> records) {
        static Outcome error(Errors error, String message) {
            return new Outcome(new ConsumerGroupHeartbeatResponseData().setErrorCode(error.code())
                    .setErrorMessage(message), List.of());
        }
    }

    /** A request refused with an error the member understands. */
    static final class Refused extends RuntimeException {
        final Errors error;

        Refused(Errors error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    ConsumerRebalance(Groups groups, OffsetStore store, GroupTimer timer, ConsumerGroupConfig config,
                      Supplier<MetadataImage> metadata, ClassicRebalance classicGroups) {
        this.groups = groups;
        this.classicGroups = classicGroups;
        this.targetAssignments = new TargetAssignments(config, subscriptions);
        this.store = store;
        this.timer = timer;
        this.config = config;
        this.metadata = metadata;
    }

    CompletableFuture<ConsumerGroupHeartbeatResponseData> heartbeat(ConsumerGroupHeartbeatRequestData request,
                                                                   String clientId, String clientHost,
                                                                   short version) {
        String invalid = invalidRequest(request, version);
        if (invalid != null) {
            return CompletableFuture.completedFuture(Outcome.error(Errors.INVALID_REQUEST, invalid).response());
        }
        Errors notHere = groups.errorFor(request.groupId());
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(Outcome.error(notHere, null).response());
        }
        if (request.memberEpoch() == 0 && request.memberId().isEmpty()) {
            request.setMemberId(Uuid.randomUuid().toString());
        }
        return groups.run(request.groupId(), () -> {
            // What the group changed before a refusal is written too, so the log never lags what is in memory.
            List<ConsumerGroupRecord> records = new ArrayList<>();
            try {
                return onHeartbeat(request, clientId, clientHost, records);
            } catch (Refused refused) {
                return new Outcome(Outcome.error(refused.error, refused.getMessage()).response(), records);
            }
        }).thenCompose(outcome -> write(request.groupId(), outcome.records()).thenApply(error -> error == Errors.NONE
                ? outcome.response() : Outcome.error(error, "The group's records could not be written").response()));
    }

    /** The request's own mistakes, as Kafka words them; null when it is well formed. */
    private static String invalidRequest(ConsumerGroupHeartbeatRequestData request, short version) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return "GroupId can't be empty.";
        }
        if (request.instanceId() != null && request.instanceId().isEmpty()) {
            return "InstanceId can't be empty.";
        }
        if (request.rackId() != null && request.rackId().isEmpty()) {
            return "RackId can't be empty.";
        }
        int epoch = request.memberEpoch();
        if (epoch > 0 || epoch == ConsumerGroupMember.LEAVE_EPOCH || version >= 1) {
            if (request.memberId() == null || request.memberId().isEmpty()) {
                return "MemberId can't be empty.";
            }
        }
        if (epoch == 0) {
            if (request.rebalanceTimeoutMs() == -1) {
                return "RebalanceTimeoutMs must be provided in first request.";
            }
            if (request.topicPartitions() == null || !request.topicPartitions().isEmpty()) {
                return "TopicPartitions must be empty when (re-)joining.";
            }
            if (request.subscribedTopicNames() == null && request.subscribedTopicRegex() == null) {
                return "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.";
            }
        } else if (epoch == ConsumerGroupMember.LEFT_STATIC_EPOCH) {
            if (request.instanceId() == null) {
                return "InstanceId can't be null when leaving with epoch -2.";
            }
        } else if (epoch < ConsumerGroupMember.LEFT_STATIC_EPOCH) {
            return "MemberEpoch is invalid.";
        }
        return null;
    }

    // ---------------------------------------------------------------- the heartbeat, in the group's event

    private Outcome onHeartbeat(ConsumerGroupHeartbeatRequestData request, String clientId, String clientHost,
                                List<ConsumerGroupRecord> records) {
        String groupId = request.groupId();
        int epoch = request.memberEpoch();
        if (epoch == ConsumerGroupMember.LEAVE_EPOCH || epoch == ConsumerGroupMember.LEFT_STATIC_EPOCH) {
            return leave(groupId, request.memberId(), request.instanceId(), epoch, records);
        }
        if (request.serverAssignor() != null && config.assignor(request.serverAssignor()) == null) {
            throw new Refused(Errors.UNSUPPORTED_ASSIGNOR, "ServerAssignor " + request.serverAssignor()
                    + " is not supported. Supported assignors: " + assignorNames() + ".");
        }
        if (request.subscribedTopicRegex() != null && !request.subscribedTopicRegex().isEmpty()) {
            try {
                subscriptions.validate(request.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                throw new Refused(Errors.INVALID_REGULAR_EXPRESSION, "SubscribedTopicRegex `"
                        + request.subscribedTopicRegex() + "` is not a valid regular expression: " + e.getMessage());
            }
        }
        ConsumerGroup group = consumerGroup(groupId, epoch == 0, records);
        ConsumerGroupMember member = memberFor(group, request, clientId, clientHost, records);
        boolean joining = epoch == 0;

        ConsumerGroupMember updated = member.withHeartbeat(request.rackId(), clientId, clientHost,
                request.subscribedTopicNames(), request.subscribedTopicRegex(),
                joining ? request.rebalanceTimeoutMs() : null, request.serverAssignor());
        Map<Uuid, Set<Integer>> owned = ownedPartitions(request);
        ConsumerGroupMember reconciled = applyMember(group, member, updated, owned, records);

        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(reconciled.memberId()).setMemberEpoch(reconciled.memberEpoch())
                .setHeartbeatIntervalMs(heartbeatInterval(group, reconciled));
        boolean assignmentChanged = !reconciled.assignedPartitions().equals(member.assignedPartitions());
        if (joining || assignmentChanged || (owned != null && !owned.equals(reconciled.assignedPartitions()))) {
            response.setAssignment(assignmentOf(reconciled.assignedPartitions()));
        }
        return new Outcome(response, records);
    }

    /**
     * In the group's event: the member as it heartbeats now ({@code updated}, from {@code member} as the group knew
     * it, or a new one) joins the group; a changed subscription bumps the group epoch, a new epoch gets a new target
     * assignment, and the member reconciles towards its part ({@code owned}: what it says it owns, or null). Its
     * session and any revocation deadline start again. Returns the member as it is now.
     */
    ConsumerGroupMember applyMember(ConsumerGroup group, ConsumerGroupMember member, ConsumerGroupMember updated,
                                    Map<Uuid, Set<Integer>> owned, List<ConsumerGroupRecord> records) {
        String groupId = group.groupId();
        boolean isNew = group.member(member.memberId()) == null;
        if (isNew || updated.metadataDiffers(member)) {
            records.add(updated.metadataRecord(groupId));
        }
        group.putMember(updated);

        MetadataImage image = metadata.get();
        boolean subscriptionChanged = isNew || updated.subscriptionDiffers(member);
        if (refreshSubscribedTopics(group, image) || subscriptionChanged) {
            bumpGroupEpoch(group, records);
        }
        if (group.groupEpoch() > group.assignmentEpoch()) {
            targetAssignments.compute(group, image, records);
        }
        ConsumerGroupMember reconciled;
        try {
            reconciled = MemberReconciliation.reconcile(updated, group.assignmentEpoch(),
                    group.targetOf(updated.memberId()), group::ownerEpoch, owned);
        } catch (MemberReconciliation.FencedException e) {
            removeMember(group, updated.memberId(), records, "it is in an unknown state");
            throw new Refused(Errors.FENCED_MEMBER_EPOCH, e.getMessage());
        }
        if (isNew || reconciled.assignmentDiffers(updated)) {
            records.add(reconciled.assignmentRecord(groupId));
            group.putMember(reconciled);
        }
        scheduleSession(group, reconciled);
        scheduleRevocationDeadline(group, reconciled);
        return reconciled;
    }

    /** The target assignment is due again (a classic member's heartbeat may be the first to see a new epoch). */
    void refreshTargetAssignment(ConsumerGroup group, List<ConsumerGroupRecord> records) {
        MetadataImage image = metadata.get();
        if (refreshSubscribedTopics(group, image)) {
            bumpGroupEpoch(group, records);
        }
        if (group.groupEpoch() > group.assignmentEpoch()) {
            targetAssignments.compute(group, image, records);
        }
    }

    /**
     * Resolves what the members subscribe to against the image, unless nothing changed since the last time (the
     * same image, no subscription changed): a heartbeat of an unchanged group does not scan the topics. Returns
     * whether the subscribed topics changed (a topic created, deleted, or given partitions).
     */
    private boolean refreshSubscribedTopics(ConsumerGroup group, MetadataImage image) {
        if (group.subscriptionsResolvedAt(image.offset())) {
            return false;
        }
        Map<String, ConsumerGroup.SubscribedTopic> subscribed = subscriptions.resolve(group.members(), image);
        boolean changed = !subscribed.equals(group.subscribedTopics());
        group.setSubscribedTopics(subscribed, image.offset());
        return changed;
    }

    /**
     * How soon the member should heartbeat again. A member with partitions still to receive or to give up hears
     * sooner: one waiting for partitions another member is releasing gets them within a short interval instead of at
     * its next regular heartbeat (Kafka makes it wait the full interval). Members that own their target keep the
     * configured interval, so a long revocation does not multiply the group's heartbeats. The Java client takes the
     * interval of every answer.
     */
    private int heartbeatInterval(ConsumerGroup group, ConsumerGroupMember member) {
        int configured = config.heartbeatIntervalMs(metadata.get().groupConfigs(group.groupId()));
        boolean settled = member.state() == MemberState.STABLE && member.memberEpoch() == group.assignmentEpoch();
        return settled ? configured : Math.min(configured, RECONCILING_HEARTBEAT_INTERVAL_MS);
    }

    /**
     * The group of the id, created when a member joins. An empty classic group of that id gives way to it; a classic
     * group with members is converted (an online upgrade, {@code group.consumer.migration.policy} bidirectional or
     * upgrade): its members stay, on the classic protocol, each at the group's generation with what it was
     * assigned, so nothing moves until the target assignment says so.
     */
    private ConsumerGroup consumerGroup(String groupId, boolean joining, List<ConsumerGroupRecord> records) {
        ConsumerGroup group = groups.consumerGroup(groupId);
        if (group != null) {
            return group;
        }
        if (!joining) {
            throw new Refused(Errors.UNKNOWN_MEMBER_ID, "Group " + groupId + " has no such member.");
        }
        if (groups.shareGroup(groupId) != null) {
            throw new Refused(Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " is a share group.");
        }
        ClassicGroup classic = groups.find(groupId);
        if (classic != null && !classic.is(GroupState.DEAD)) {
            if (!classic.is(GroupState.EMPTY)) {
                return upgrade(classic, records);
            }
            classic.transitionTo(GroupState.DEAD);
            groups.remove(classic);
        }
        group = new ConsumerGroup(groupId);
        groups.putConsumerGroup(group);
        return group;
    }

    private ConsumerGroup upgrade(ClassicGroup classic, List<ConsumerGroupRecord> records) {
        String refusal = GroupMigration.refusesUpgrade(classic, config);
        if (refusal != null) {
            throw new Refused(Errors.GROUP_ID_NOT_FOUND, "Group " + classic.groupId() + " cannot become a "
                    + "consumer group: " + refusal);
        }
        ConsumerGroup group = GroupMigration.toConsumerGroup(classic, metadata.get(), records);
        ClassicRebalance.stopServing(classic);
        classic.transitionTo(GroupState.DEAD);
        groups.remove(classic);
        refreshSubscribedTopics(group, metadata.get());
        groups.putConsumerGroup(group);
        for (ConsumerGroupMember member : group.members()) {
            scheduleSession(group, member);
        }
        log.info("Classic group {} became a consumer group (a member of the consumer protocol joined) with {} "
                + "classic member(s) at epoch {}", group.groupId(), group.members().size(), group.groupEpoch());
        return group;
    }

    /**
     * In the group's event, after a member left: the last consumer-protocol member of a mixed group is gone, so the
     * group becomes classic again ({@code group.consumer.migration.policy} bidirectional or downgrade), its members
     * rejoining in a classic rebalance. The classic group's record is written before the tombstones of the
     * consumer group's records (which go with the caller's records), so the log replays as a classic group.
     */
    private void maybeDowngrade(ConsumerGroup group, List<ConsumerGroupRecord> records) {
        if (group.isEmpty() || !GroupMigration.allowsDowngrade(config)
                || group.members().stream().anyMatch(member -> !member.isClassic())) {
            return;
        }
        GroupMetadata metadataOfClassic = GroupMigration.toClassicMetadata(group, metadata.get(), timer.nowMs());
        cancelTimers(group.groupId());
        group.markDead();
        groups.removeConsumerGroup(group);
        for (ConsumerGroupRecord record : store.storedConsumerGroups(group.groupId()::equals)
                .getOrDefault(group.groupId(), List.of())) {
            records.add(new ConsumerGroupRecord.Tombstone(record.type(), group.groupId(), record.memberId()));
        }
        store.storeGroup(metadataOfClassic).whenComplete((done, failure) -> {
            if (failure != null) {
                log.warn("Could not store group {} as a classic group: {}", group.groupId(),
                        GroupResponses.groupStoreError(failure));
            }
        });
        classicGroups.adoptConverted(ClassicGroup.restore(metadataOfClassic));
        log.info("Consumer group {} became a classic group again (its last consumer-protocol member left) with {} "
                + "member(s)", group.groupId(), metadataOfClassic.members().size());
    }

    /**
     * The member the heartbeat is for, as the group knows it now: a new one on join, the static member it takes
     * over from (KIP-345: same instance id, new member id; it keeps the assignment, so nothing rebalances), or the
     * existing one if its epoch checks out.
     */
    private ConsumerGroupMember memberFor(ConsumerGroup group, ConsumerGroupHeartbeatRequestData request,
                                          String clientId, String clientHost, List<ConsumerGroupRecord> records) {
        String memberId = request.memberId();
        int epoch = request.memberEpoch();
        ConsumerGroupMember existing = group.member(memberId);
        if (epoch == 0) {
            String staticId = group.staticMemberId(request.instanceId());
            if (staticId != null && !staticId.equals(memberId)) {
                ConsumerGroupMember previous = group.member(staticId);
                if (previous.memberEpoch() != ConsumerGroupMember.LEFT_STATIC_EPOCH) {
                    throw new Refused(Errors.UNRELEASED_INSTANCE_ID, "Static member " + staticId
                            + " with instance id " + request.instanceId() + " is still in the group.");
                }
                return replaceStaticMember(group, previous, memberId, records);
            }
            if (existing != null) {
                return existing;
            }
            if (group.members().size() >= config.maxSize()) {
                throw new Refused(Errors.GROUP_MAX_SIZE_REACHED, "The consumer group has reached its maximum "
                        + "capacity of " + config.maxSize() + " members.");
            }
            return ConsumerGroupMember.joining(memberId, request.instanceId(), request.rackId(), clientId,
                    clientHost, List.of(), null, request.rebalanceTimeoutMs(), request.serverAssignor());
        }
        if (existing == null) {
            throw new Refused(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of group "
                    + group.groupId() + ".");
        }
        if (epoch != existing.memberEpoch()) {
            // A member that missed the answer bumping its epoch retries with the previous one; it is fine as long
            // as it owns nothing it should not.
            Map<Uuid, Set<Integer>> owned = ownedPartitions(request);
            boolean lostAnswer = epoch == existing.previousMemberEpoch() && owned != null
                    && Assignments.minus(owned, existing.assignedPartitions()).isEmpty();
            if (!lostAnswer) {
                throw new Refused(Errors.FENCED_MEMBER_EPOCH, "The consumer group member has a epoch ("
                        + epoch + ") that does not match the expected one (" + existing.memberEpoch() + ").");
            }
        }
        return existing;
    }

    private ConsumerGroupMember replaceStaticMember(ConsumerGroup group, ConsumerGroupMember previous,
                                                    String memberId, List<ConsumerGroupRecord> records) {
        Map<Uuid, Set<Integer>> target = group.targetOf(previous.memberId());
        cancelTimers(group.groupId(), previous.memberId());
        group.removeMember(previous.memberId());
        tombstones(group.groupId(), previous.memberId(), records);
        // Back at the epoch it left: it owns what it owned then, and heartbeats from there.
        ConsumerGroupMember member = previous.withMemberId(memberId).reconciled(previous.previousMemberEpoch(),
                previous.state(), previous.assignedPartitions(), previous.partitionsPendingRevocation());
        group.putMember(member);
        group.setTargetOf(memberId, target);
        records.add(member.metadataRecord(group.groupId()));
        records.add(new ConsumerGroupRecord.TargetAssignmentMember(group.groupId(), memberId, target));
        records.add(member.assignmentRecord(group.groupId()));
        return member;
    }

    /** Epoch -1: the member leaves; -2: a static member goes away and may come back within its session. */
    private Outcome leave(String groupId, String memberId, String instanceId, int epoch,
                          List<ConsumerGroupRecord> records) {
        ConsumerGroup group = groups.consumerGroup(groupId);
        String id = epoch == ConsumerGroupMember.LEFT_STATIC_EPOCH && group != null
                ? group.staticMemberId(instanceId) : memberId;
        ConsumerGroupMember member = group == null || id == null ? null : group.member(id);
        if (member == null) {
            throw new Refused(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of group "
                    + groupId + ".");
        }
        if (epoch == ConsumerGroupMember.LEFT_STATIC_EPOCH) {
            ConsumerGroupMember away = member.leftTemporarily();
            group.putMember(away);
            records.add(away.assignmentRecord(groupId));
            timersOf(groupId, id).cancelRevocation();
        } else {
            removeMember(group, id, records, "it left");
        }
        return new Outcome(new ConsumerGroupHeartbeatResponseData().setMemberId(memberId).setMemberEpoch(epoch)
                .setHeartbeatIntervalMs(0), records);
    }

    /** In the group's event: the member is gone; the others get a new target assignment at their next heartbeat. */
    void removeMember(ConsumerGroup group, String memberId, List<ConsumerGroupRecord> records, String reason) {
        cancelTimers(group.groupId(), memberId);
        if (group.removeMember(memberId) == null) {
            return;
        }
        tombstones(group.groupId(), memberId, records);
        bumpGroupEpoch(group, records);
        log.debug("Member {} of consumer group {} removed: {}", memberId, group.groupId(), reason);
        maybeDowngrade(group, records);
    }

    private static void tombstones(String groupId, String memberId, List<ConsumerGroupRecord> records) {
        records.add(new ConsumerGroupRecord.Tombstone(ConsumerGroupRecord.Type.CURRENT_MEMBER_ASSIGNMENT, groupId,
                memberId));
        records.add(new ConsumerGroupRecord.Tombstone(ConsumerGroupRecord.Type.TARGET_ASSIGNMENT_MEMBER, groupId,
                memberId));
        records.add(new ConsumerGroupRecord.Tombstone(ConsumerGroupRecord.Type.MEMBER_METADATA, groupId, memberId));
    }

    private static void bumpGroupEpoch(ConsumerGroup group, List<ConsumerGroupRecord> records) {
        int next = Math.max(group.groupEpoch(), group.assignmentEpoch()) + 1;
        group.setGroupEpoch(next);
        records.add(new ConsumerGroupRecord.GroupEpoch(group.groupId(), next));
    }

    /** The assignor the group uses now (ConsumerGroupDescribe's assignor name). */
    PartitionAssignor assignorOf(ConsumerGroup group) {
        return targetAssignments.assignorOf(group);
    }

    private String assignorNames() {
        List<String> names = new ArrayList<>();
        config.assignors().forEach(assignor -> names.add(assignor.name()));
        return String.join(", ", names);
    }

    private static Map<Uuid, Set<Integer>> ownedPartitions(ConsumerGroupHeartbeatRequestData request) {
        if (request.topicPartitions() == null) {
            return null;
        }
        Map<Uuid, Set<Integer>> owned = new HashMap<>();
        for (ConsumerGroupHeartbeatRequestData.TopicPartitions topic : request.topicPartitions()) {
            owned.computeIfAbsent(topic.topicId(), t -> new HashSet<>()).addAll(topic.partitions());
        }
        return Assignments.copyOf(owned);
    }

    private static ConsumerGroupHeartbeatResponseData.Assignment assignmentOf(Map<Uuid, Set<Integer>> partitions) {
        List<ConsumerGroupHeartbeatResponseData.TopicPartitions> topics = new ArrayList<>();
        partitions.forEach((topic, numbers) -> topics.add(new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                .setTopicId(topic).setPartitions(new ArrayList<>(numbers))));
        return new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(topics);
    }

    // ---------------------------------------------------------------- timers

    private MemberTimers timersOf(String groupId, String memberId) {
        return timers.computeIfAbsent(groupId, g -> new ConcurrentHashMap<>())
                .computeIfAbsent(memberId, m -> new MemberTimers());
    }

    private void cancelTimers(String groupId, String memberId) {
        Map<String, MemberTimers> ofGroup = timers.get(groupId);
        MemberTimers memberTimers = ofGroup == null ? null : ofGroup.remove(memberId);
        if (memberTimers != null) {
            memberTimers.cancel();
        }
    }

    /** Cancels every timer of the group (it is served here no more, or deleted). */
    void cancelTimers(String groupId) {
        Map<String, MemberTimers> ofGroup = timers.remove(groupId);
        if (ofGroup != null) {
            ofGroup.values().forEach(MemberTimers::cancel);
        }
    }

    /** In the group's event: a member heard from now has a full session ahead of it. */
    void scheduleSession(ConsumerGroup group, ConsumerGroupMember member) {
        MemberTimers memberTimers = timersOf(group.groupId(), member.memberId());
        if (memberTimers.session != null) {
            memberTimers.session.cancel();
        }
        String memberId = member.memberId();
        GroupTimer.Scheduled[] self = new GroupTimer.Scheduled[1];
        int sessionTimeoutMs = member.isClassic() ? member.classicProtocols().sessionTimeoutMs()
                : config.sessionTimeoutMs(metadata.get().groupConfigs(group.groupId()));
        self[0] = timer.schedule(sessionTimeoutMs, () -> expire(group, memberId, memberTimers, self[0],
                "its session timed out"));
        memberTimers.session = self[0];
    }

    /**
     * In the group's event: a member asked to revoke partitions must have done so within its rebalance timeout
     * (counted from when it was first asked, at this epoch), or it is fenced so that the others can have them.
     */
    private void scheduleRevocationDeadline(ConsumerGroup group, ConsumerGroupMember member) {
        MemberTimers memberTimers = timersOf(group.groupId(), member.memberId());
        if (member.state() != MemberState.UNREVOKED_PARTITIONS) {
            memberTimers.cancelRevocation();
            return;
        }
        if (memberTimers.revocation != null && memberTimers.revocationEpoch == member.memberEpoch()) {
            return;
        }
        memberTimers.cancelRevocation();
        String memberId = member.memberId();
        GroupTimer.Scheduled[] self = new GroupTimer.Scheduled[1];
        self[0] = timer.schedule(Math.max(0, member.rebalanceTimeoutMs()), () -> expire(group, memberId,
                memberTimers, self[0], "it did not revoke its partitions within its rebalance timeout"));
        memberTimers.revocation = self[0];
        memberTimers.revocationEpoch = member.memberEpoch();
    }

    /** On the timer's thread: fences the member in the group's event, unless the timer was replaced meanwhile. */
    private void expire(ConsumerGroup group, String memberId, MemberTimers memberTimers, GroupTimer.Scheduled fired,
                        String reason) {
        groups.run(group.groupId(), () -> {
            if (groups.consumerGroup(group.groupId()) != group
                    || (memberTimers.session != fired && memberTimers.revocation != fired)) {
                return List.<ConsumerGroupRecord>of();
            }
            List<ConsumerGroupRecord> records = new ArrayList<>();
            removeMember(group, memberId, records, reason);
            log.info("Member {} of consumer group {} was removed: {}", memberId, group.groupId(), reason);
            return records;
        }).thenCompose(records -> write(group.groupId(), records));
    }

    /** Whether the id names a consumer group here (then classic requests for it must ask {@link #giveWayToClassic}). */
    boolean hasGroup(String groupId) {
        return groups.consumerGroup(groupId) != null;
    }

    /**
     * A classic member joins with the id of a consumer group: an empty one is replaced (its records removed, its
     * offsets kept), as Kafka converts an empty group to the protocol of the member that joins it. True when the id
     * is free for a classic group, false while the consumer group has members.
     */
    CompletableFuture<Boolean> giveWayToClassic(String groupId) {
        return groups.run(groupId, () -> {
            ConsumerGroup group = groups.consumerGroup(groupId);
            if (group == null) {
                return List.<ConsumerGroupRecord>of();
            }
            if (!group.isEmpty()) {
                return null;
            }
            cancelTimers(groupId);
            group.markDead();
            groups.removeConsumerGroup(group);
            List<ConsumerGroupRecord> tombstones = new ArrayList<>();
            for (ConsumerGroupRecord record : store.storedConsumerGroups(groupId::equals)
                    .getOrDefault(groupId, List.of())) {
                tombstones.add(new ConsumerGroupRecord.Tombstone(record.type(), groupId, record.memberId()));
            }
            return tombstones;
        }).thenCompose(tombstones -> tombstones == null ? CompletableFuture.completedFuture(false)
                : write(groupId, tombstones).thenApply(error -> true));
    }

    // ---------------------------------------------------------------- loading and undoing

    /**
     * In the group's event: the group as its records describe it replaces the one here, if any; its members'
     * sessions start now, and a member still asked to revoke partitions gets its full rebalance timeout.
     */
    void restore(String groupId, List<ConsumerGroupRecord> records) {
        ConsumerGroup replaced = groups.consumerGroup(groupId);
        if (replaced != null) {
            cancelTimers(groupId);
            replaced.markDead();
            groups.removeConsumerGroup(replaced);
        }
        if (records.isEmpty()) {
            return;
        }
        ConsumerGroup group = ConsumerGroup.fromRecords(groupId, records);
        // What the members subscribe to now is what the stored epoch was computed for, unless topics changed
        // while no coordinator served the group (those changes are seen when they next change).
        refreshSubscribedTopics(group, metadata.get());
        groups.putConsumerGroup(group);
        for (ConsumerGroupMember member : group.members()) {
            scheduleSession(group, member);
            scheduleRevocationDeadline(group, member);
        }
    }

    // ---------------------------------------------------------------- writing

    /** Writes the records (nothing when there are none); NONE once replicated, else the error for the member. */
    CompletableFuture<Errors> write(String groupId, List<ConsumerGroupRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.NONE);
        }
        return store.storeConsumerGroupRecords(groupId, records).handle((done, failure) -> {
            if (failure == null) {
                return Errors.NONE;
            }
            Errors error = GroupResponses.groupStoreError(failure);
            log.warn("Could not write the records of consumer group {}: {}; going back to what was written",
                    groupId, error);
            // The group changed in memory before its records were written: undo that, as Kafka reverts its
            // in-memory state to the last committed offset. Members whose change was lost are fenced, or find the
            // new coordinator, and join again.
            groups.run(groupId, () -> {
                restore(groupId, store.storedConsumerGroups(groupId::equals).getOrDefault(groupId, List.of()));
                return null;
            });
            return error == Errors.REBALANCE_IN_PROGRESS ? Errors.COORDINATOR_NOT_AVAILABLE : error;
        });
    }
}
