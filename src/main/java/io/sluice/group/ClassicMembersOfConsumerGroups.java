package io.sluice.group;

import io.sluice.group.consumer.ConsumerGroup;
import io.sluice.group.consumer.ConsumerGroupMember;
import io.sluice.group.consumer.ConsumerGroupRecord;
import io.sluice.group.consumer.ConsumerGroupState;
import io.sluice.group.consumer.MemberState;
import io.sluice.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The classic protocol spoken to a KIP-848 consumer group: members that joined with JoinGroup (librdkafka,
 * kafka-python, older Java clients) stay in a group that became a consumer group, or join one. The broker assigns
 * for them as for every member; the classic requests only carry it:
 * <ul>
 *   <li>JoinGroup updates the member's subscription (its ConsumerProtocol bytes: topics, rack, what it owns) and
 *   reconciles it at once; the answer makes nobody the leader, so the member's SyncGroup sends no assignment;</li>
 *   <li>SyncGroup answers the member's current assignment (without what it must revoke);</li>
 *   <li>Heartbeat answers REBALANCE_IN_PROGRESS while the member has something to revoke or to receive, so it joins
 *   again (a cooperative client revokes first and reports what it still owns);</li>
 *   <li>LeaveGroup removes the member, as a consumer-protocol leave does.</li>
 * </ul>
 * The member's generation is its member epoch.
 *
 * <p>Threading: as {@link ConsumerRebalance}: everything runs in the group's events; records are written after.
 */
final class ClassicMembersOfConsumerGroups {
    private static final String NO_LEADER = "";

    private final Groups groups;
    private final ConsumerRebalance consumers;
    private final Supplier<MetadataImage> metadata;

    private record Answer<T>(T response, List<ConsumerGroupRecord> records) {
    }

    ClassicMembersOfConsumerGroups(Groups groups, ConsumerRebalance consumers, Supplier<MetadataImage> metadata) {
        this.groups = groups;
        this.consumers = consumers;
        this.metadata = metadata;
    }

    CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, String clientId,
                                                       String clientHost) {
        String groupId = request.groupId();
        return run(groupId, () -> {
            ConsumerGroup group = groups.consumerGroup(groupId);
            if (group == null) {
                return new Answer<>(GroupResponses.joinError(request.memberId(), Errors.COORDINATOR_NOT_AVAILABLE),
                        List.of());
            }
            return join(group, request, clientId, clientHost);
        }, error -> GroupResponses.joinError(request.memberId(), error));
    }

    private Answer<JoinGroupResponseData> join(ConsumerGroup group, JoinGroupRequestData request, String clientId,
                                               String clientHost) {
        if (!ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(request.protocolType()) || request.protocols().isEmpty()) {
            return new Answer<>(GroupResponses.joinError(request.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL),
                    List.of());
        }
        JoinGroupRequestProtocol first = request.protocols().iterator().next();
        ConsumerPartitionAssignor.Subscription subscription = GroupMigration.subscription(first.metadata());
        if (subscription == null) {
            return new Answer<>(GroupResponses.joinError(request.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL),
                    List.of());
        }
        List<ConsumerGroupRecord> records = new ArrayList<>();
        String memberId = request.memberId().isEmpty()
                ? (request.groupInstanceId() != null ? request.groupInstanceId() : clientId) + "-" + UUID.randomUUID()
                : request.memberId();
        ConsumerGroupMember known = group.member(memberId);
        String staticId = group.staticMemberId(request.groupInstanceId());
        if (staticId != null && !staticId.equals(memberId)) {
            // A new instance of a static member: the previous one is out.
            consumers.removeMember(group, staticId, records, "a new instance of its static member joined");
            if (groups.consumerGroup(group.groupId()) != group) {
                return new Answer<>(GroupResponses.joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE), records);
            }
        }
        if (known == null && !request.memberId().isEmpty()) {
            return new Answer<>(GroupResponses.joinError(memberId, Errors.UNKNOWN_MEMBER_ID), records);
        }
        int rebalanceTimeoutMs = request.rebalanceTimeoutMs() < 0 ? request.sessionTimeoutMs()
                : request.rebalanceTimeoutMs();
        List<GroupMember.Protocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new GroupMember.Protocol(p.name(), p.metadata())));
        ConsumerGroupMember member = known != null ? known
                : ConsumerGroupMember.joining(memberId, request.groupInstanceId(), null, clientId, clientHost,
                        List.of(), null, rebalanceTimeoutMs, null);
        ConsumerGroupMember updated = member.withHeartbeat(subscription.rackId().orElse(null), clientId, clientHost,
                        subscription.topics(), null, rebalanceTimeoutMs, null)
                .withClassicProtocols(GroupMigration.classicProtocols(request.sessionTimeoutMs(), protocols));
        Map<Uuid, Set<Integer>> owned = GroupMigration.topicIds(subscription.ownedPartitions(), metadata.get());
        ConsumerGroupMember reconciled;
        try {
            reconciled = consumers.applyMember(group, member, updated, owned, records);
        } catch (ConsumerRebalance.Refused refused) {
            return new Answer<>(GroupResponses.joinError(memberId, refused.error), records);
        }
        JoinGroupResponseData response = new JoinGroupResponseData().setErrorCode(Errors.NONE.code())
                .setMemberId(memberId).setGenerationId(reconciled.memberEpoch())
                .setProtocolType(ClassicGroup.CONSUMER_PROTOCOL_TYPE).setProtocolName(first.name())
                .setLeader(NO_LEADER).setSkipAssignment(false);
        return new Answer<>(response, records);
    }

    CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        return run(request.groupId(), () -> {
            ConsumerGroup group = groups.consumerGroup(request.groupId());
            ConsumerGroupMember member = group == null ? null : group.member(request.memberId());
            if (member == null) {
                return new Answer<>(GroupResponses.syncError(Errors.UNKNOWN_MEMBER_ID), List.of());
            }
            if (request.generationId() != member.memberEpoch()) {
                return new Answer<>(GroupResponses.syncError(Errors.ILLEGAL_GENERATION), List.of());
            }
            consumers.scheduleSession(group, member);
            String protocolName = request.protocolName() != null ? request.protocolName()
                    : member.classicProtocols() == null ? null
                    : member.classicProtocols().supportedProtocols().get(0).name();
            return new Answer<>(new SyncGroupResponseData().setErrorCode(Errors.NONE.code())
                    .setProtocolType(ClassicGroup.CONSUMER_PROTOCOL_TYPE).setProtocolName(protocolName)
                    .setAssignment(GroupMigration.assignmentBytes(member.assignedPartitions(), metadata.get())),
                    List.of());
        }, GroupResponses::syncError);
    }

    CompletableFuture<Errors> heartbeat(HeartbeatRequestData request) {
        return run(request.groupId(), () -> {
            ConsumerGroup group = groups.consumerGroup(request.groupId());
            ConsumerGroupMember member = group == null ? null : group.member(request.memberId());
            if (member == null) {
                return new Answer<>(Errors.UNKNOWN_MEMBER_ID, List.of());
            }
            if (request.generationId() != member.memberEpoch()) {
                return new Answer<>(Errors.ILLEGAL_GENERATION, List.of());
            }
            consumers.scheduleSession(group, member);
            List<ConsumerGroupRecord> records = new ArrayList<>();
            consumers.refreshTargetAssignment(group, records);
            boolean settled = member.state() == MemberState.STABLE && member.memberEpoch() == group.assignmentEpoch()
                    && member.assignedPartitions().equals(group.targetOf(member.memberId()));
            return new Answer<>(settled ? Errors.NONE : Errors.REBALANCE_IN_PROGRESS, records);
        }, error -> error);
    }

    CompletableFuture<LeaveGroupResponseData> leaveGroup(String groupId, List<MemberIdentity> leaving) {
        return run(groupId, () -> {
            LeaveGroupResponseData response = new LeaveGroupResponseData().setErrorCode(Errors.NONE.code());
            List<ConsumerGroupRecord> records = new ArrayList<>();
            ConsumerGroup group = groups.consumerGroup(groupId);
            for (MemberIdentity identity : leaving) {
                String memberId = identity.memberId();
                if (group != null && identity.groupInstanceId() != null) {
                    String staticId = group.staticMemberId(identity.groupInstanceId());
                    memberId = staticId != null ? staticId : memberId;
                }
                boolean known = group != null && groups.consumerGroup(groupId) == group
                        && group.member(memberId) != null;
                if (known) {
                    consumers.removeMember(group, memberId, records, "it left the group");
                }
                response.members().add(new MemberResponse().setMemberId(identity.memberId())
                        .setGroupInstanceId(identity.groupInstanceId())
                        .setErrorCode((known ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID).code()));
            }
            return new Answer<>(response, records);
        }, error -> new LeaveGroupResponseData().setErrorCode(error.code()));
    }

    /** Whether a classic request for the id goes here: the id names a consumer group that is not dead. */
    boolean serves(String groupId) {
        ConsumerGroup group = groups.consumerGroup(groupId);
        return group != null && group.state() != ConsumerGroupState.DEAD;
    }

    /** Runs the decision in the group's event, writes its records, then answers (or answers the write's error). */
    private <T> CompletableFuture<T> run(String groupId, Supplier<Answer<T>> decision,
                                         java.util.function.Function<Errors, T> onWriteError) {
        return groups.run(groupId, decision).thenCompose(answer -> consumers.write(groupId, answer.records())
                .thenApply(error -> error == Errors.NONE ? answer.response() : onWriteError.apply(error)));
    }
}
