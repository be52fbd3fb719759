package io.sluice.group.consumer;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * One member of a KIP-848 consumer group: what it heartbeats with (identity and subscription) and where it is in
 * reconciling its assignment (epochs, state, the partitions it owns and those it must revoke). Immutable: every
 * change makes a new member, so the records a change writes and the state it leaves are computed from the same
 * values.
 *
 * @param memberEpoch         the epoch the member must heartbeat with; 0 before it joined, -2 while a static
 *                            member is away ({@link #LEFT_STATIC_EPOCH})
 * @param previousMemberEpoch the epoch before the last bump: a member that missed the response of that bump may
 *                            heartbeat with it
 * @param assignedPartitions  what it owns now (topic id to partitions)
 * @param partitionsPendingRevocation what it owns but must give up before it moves to the next epoch
 * @param classicProtocols    for a member on the classic protocol (a mixed group, after an online migration), its
 *                            session timeout and the protocols it joined with; null for a consumer-protocol member
 */
public record ConsumerGroupMember(String memberId, String instanceId, String rackId, String clientId,
                                  String clientHost, List<String> subscribedTopicNames, String subscribedTopicRegex,
                                  int rebalanceTimeoutMs, String serverAssignor, int memberEpoch,
                                  int previousMemberEpoch, MemberState state,
                                  Map<Uuid, Set<Integer>> assignedPartitions,
                                  Map<Uuid, Set<Integer>> partitionsPendingRevocation,
                                  ConsumerGroupRecord.ClassicMemberMetadata classicProtocols) {
    /** The epoch of a static member that left with the intention to come back (KIP-345 for KIP-848). */
    public static final int LEFT_STATIC_EPOCH = -2;
    /** The epoch a member leaves with. */
    public static final int LEAVE_EPOCH = -1;

    public ConsumerGroupMember {
        subscribedTopicNames = List.copyOf(subscribedTopicNames);
        assignedPartitions = Assignments.copyOf(assignedPartitions);
        partitionsPendingRevocation = Assignments.copyOf(partitionsPendingRevocation);
    }

    /** A member that just joined: epoch 0, nothing assigned. */
    public static ConsumerGroupMember joining(String memberId, String instanceId, String rackId, String clientId,
                                              String clientHost, List<String> topics, String regex,
                                              int rebalanceTimeoutMs, String serverAssignor) {
        return new ConsumerGroupMember(memberId, instanceId, rackId, clientId, clientHost, topics, regex,
                rebalanceTimeoutMs, serverAssignor, 0, 0, MemberState.STABLE, Map.of(), Map.of(), null);
    }

    /** Rebuilt from its stored records; either may be missing (then that half is as for a joining member). */
    public static ConsumerGroupMember fromRecords(String memberId, ConsumerGroupRecord.MemberMetadata metadata,
                                                  ConsumerGroupRecord.CurrentMemberAssignment assignment) {
        ConsumerGroupMember member = metadata == null
                ? joining(memberId, null, null, "", "", List.of(), null, -1, null)
                : joining(memberId, metadata.instanceId(), metadata.rackId(), metadata.clientId(),
                        metadata.clientHost(), metadata.subscribedTopicNames(), metadata.subscribedTopicRegex(),
                        metadata.rebalanceTimeoutMs(), metadata.serverAssignor())
                        .withClassicProtocols(classicOrNull(metadata.classicProtocols()));
        return assignment == null ? member : member.reconciled(assignment.memberEpoch(),
                assignment.previousMemberEpoch(), assignment.state(), assignment.assignedPartitions(),
                assignment.partitionsPendingRevocation());
    }

    /** With the identity and subscription of a heartbeat (null fields keep the current values, as KIP-848 says). */
    public ConsumerGroupMember withHeartbeat(String rackId, String clientId, String clientHost, List<String> topics,
                                             String regex, Integer rebalanceTimeoutMs, String serverAssignor) {
        return new ConsumerGroupMember(memberId, instanceId, rackId != null ? rackId : this.rackId, clientId,
                clientHost, topics != null ? topics : subscribedTopicNames,
                regex != null ? (regex.isEmpty() ? null : regex) : subscribedTopicRegex,
                rebalanceTimeoutMs != null && rebalanceTimeoutMs > 0 ? rebalanceTimeoutMs : this.rebalanceTimeoutMs,
                serverAssignor != null ? (serverAssignor.isEmpty() ? null : serverAssignor) : this.serverAssignor,
                memberEpoch, previousMemberEpoch, state, assignedPartitions, partitionsPendingRevocation,
                classicProtocols);
    }

    /** A record without protocols (as Kafka's reader gives for a missing field) is a consumer-protocol member. */
    private static ConsumerGroupRecord.ClassicMemberMetadata classicOrNull(
            ConsumerGroupRecord.ClassicMemberMetadata classic) {
        return classic == null || classic.supportedProtocols().isEmpty() ? null : classic;
    }

    /** As a member on the classic protocol with that session timeout and those protocols (null: consumer protocol). */
    public ConsumerGroupMember withClassicProtocols(ConsumerGroupRecord.ClassicMemberMetadata protocols) {
        return new ConsumerGroupMember(memberId, instanceId, rackId, clientId, clientHost, subscribedTopicNames,
                subscribedTopicRegex, rebalanceTimeoutMs, serverAssignor, memberEpoch, previousMemberEpoch, state,
                assignedPartitions, partitionsPendingRevocation, protocols);
    }

    /** Whether the member speaks the classic protocol (JoinGroup, SyncGroup, Heartbeat) in this consumer group. */
    public boolean isClassic() {
        return classicProtocols != null;
    }

    /** The same member under another id: a static member that came back as a new instance of its client. */
    public ConsumerGroupMember withMemberId(String newMemberId) {
        return new ConsumerGroupMember(newMemberId, instanceId, rackId, clientId, clientHost, subscribedTopicNames,
                subscribedTopicRegex, rebalanceTimeoutMs, serverAssignor, memberEpoch, previousMemberEpoch, state,
                assignedPartitions, partitionsPendingRevocation, classicProtocols);
    }

    /** With a new epoch (the previous one remembered when it changes), state and assignment. */
    public ConsumerGroupMember reconciled(int epoch, MemberState newState, Map<Uuid, Set<Integer>> assigned,
                                          Map<Uuid, Set<Integer>> pendingRevocation) {
        return reconciled(epoch, epoch != memberEpoch ? memberEpoch : previousMemberEpoch, newState, assigned,
                pendingRevocation);
    }

    private ConsumerGroupMember reconciled(int epoch, int previousEpoch, MemberState newState,
                                           Map<Uuid, Set<Integer>> assigned, Map<Uuid, Set<Integer>> pendingRevocation) {
        return new ConsumerGroupMember(memberId, instanceId, rackId, clientId, clientHost, subscribedTopicNames,
                subscribedTopicRegex, rebalanceTimeoutMs, serverAssignor, epoch, previousEpoch, newState, assigned,
                pendingRevocation, classicProtocols);
    }

    /** A static member away (LeaveGroup with epoch -2): keeps what it owns until it comes back or its session ends. */
    public ConsumerGroupMember leftTemporarily() {
        return reconciled(LEFT_STATIC_EPOCH, memberEpoch, state, assignedPartitions, partitionsPendingRevocation);
    }

    public boolean isStatic() {
        return instanceId != null;
    }

    /** Whether the subscription (what the assignment depends on) differs from the other member's. */
    public boolean subscriptionDiffers(ConsumerGroupMember other) {
        return !subscribedTopicNames.equals(other.subscribedTopicNames)
                || !Objects.equals(subscribedTopicRegex, other.subscribedTopicRegex)
                || !Objects.equals(rackId, other.rackId) || !Objects.equals(serverAssignor, other.serverAssignor);
    }

    /** Whether the stored identity and subscription differ (a member metadata record is due). */
    public boolean metadataDiffers(ConsumerGroupMember other) {
        return subscriptionDiffers(other) || !Objects.equals(instanceId, other.instanceId)
                || !clientId.equals(other.clientId) || !clientHost.equals(other.clientHost)
                || rebalanceTimeoutMs != other.rebalanceTimeoutMs
                || !sameClassicProtocols(classicProtocols, other.classicProtocols);
    }

    /** Whether the stored reconciliation state differs (a current assignment record is due). */
    public boolean assignmentDiffers(ConsumerGroupMember other) {
        return memberEpoch != other.memberEpoch || previousMemberEpoch != other.previousMemberEpoch
                || state != other.state || !assignedPartitions.equals(other.assignedPartitions)
                || !partitionsPendingRevocation.equals(other.partitionsPendingRevocation);
    }

    private static boolean sameClassicProtocols(ConsumerGroupRecord.ClassicMemberMetadata a,
                                                ConsumerGroupRecord.ClassicMemberMetadata b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.sessionTimeoutMs() != b.sessionTimeoutMs()
                || a.supportedProtocols().size() != b.supportedProtocols().size()) {
            return false;
        }
        for (int i = 0; i < a.supportedProtocols().size(); i++) {
            ConsumerGroupRecord.ClassicProtocol pa = a.supportedProtocols().get(i);
            ConsumerGroupRecord.ClassicProtocol pb = b.supportedProtocols().get(i);
            if (!pa.name().equals(pb.name()) || !Arrays.equals(pa.metadata(), pb.metadata())) {
                return false;
            }
        }
        return true;
    }

    public ConsumerGroupRecord.MemberMetadata metadataRecord(String groupId) {
        return new ConsumerGroupRecord.MemberMetadata(groupId, memberId, instanceId, rackId, clientId, clientHost,
                subscribedTopicNames, subscribedTopicRegex, rebalanceTimeoutMs, serverAssignor, classicProtocols);
    }

    public ConsumerGroupRecord.CurrentMemberAssignment assignmentRecord(String groupId) {
        return new ConsumerGroupRecord.CurrentMemberAssignment(groupId, memberId, memberEpoch, previousMemberEpoch,
                state, assignedPartitions, partitionsPendingRevocation);
    }
}
