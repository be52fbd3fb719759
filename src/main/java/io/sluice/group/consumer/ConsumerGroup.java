package io.sluice.group.consumer;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A KIP-848 consumer group: its group epoch (bumped when a member or the subscribed topics change), the target
 * assignment and the epoch it was computed at, the members, and which member owns each partition (so that a
 * partition is assigned only once its previous owner released it). Its state follows from these
 * ({@link ConsumerGroupState}).
 *
 * <p>Threading: not thread-safe; read and changed only in the group's events, one at a time.
 */
public final class ConsumerGroup {
    /** A partition with no owner. */
    public static final int NO_OWNER = -1;

    private final String groupId;
    private int groupEpoch;
    private int assignmentEpoch;
    private ConsumerGroupState state = ConsumerGroupState.EMPTY;
    private final Map<String, ConsumerGroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Map<String, Map<Uuid, Set<Integer>>> targetAssignment = new HashMap<>();
    /** Topic id to partition to the epoch of the member owning it (assigned or pending revocation). */
    private final Map<Uuid, Map<Integer, Integer>> partitionOwners = new HashMap<>();
    /** The subscribed topics (name to id and partition count) the current group epoch was computed for. */
    private Map<String, SubscribedTopic> subscribedTopics = Map.of();
    /** The metadata image those were resolved against; -1 once a member's subscription changed since. */
    private long subscriptionsResolvedAt = -1;

    /** A subscribed topic as the assignment saw it: a change (a new partition, a re-created topic) bumps the epoch. */
    public record SubscribedTopic(Uuid topicId, int numPartitions) {
    }

    public ConsumerGroup(String groupId) {
        this.groupId = groupId;
    }

    /**
     * The group as its stored records describe it (a coordinator taking over, or undoing a write that failed): its
     * epochs, target assignment and members, each at the epoch and with the partitions it had. The subscribed topics
     * are resolved again at the next heartbeat.
     */
    public static ConsumerGroup fromRecords(String groupId, List<ConsumerGroupRecord> records) {
        ConsumerGroup group = new ConsumerGroup(groupId);
        Map<String, ConsumerGroupRecord.MemberMetadata> metadata = new LinkedHashMap<>();
        Map<String, ConsumerGroupRecord.CurrentMemberAssignment> current = new HashMap<>();
        for (ConsumerGroupRecord record : records) {
            if (record instanceof ConsumerGroupRecord.GroupEpoch epoch) {
                group.groupEpoch = epoch.epoch();
            } else if (record instanceof ConsumerGroupRecord.TargetAssignmentEpoch epoch) {
                group.assignmentEpoch = epoch.assignmentEpoch();
            } else if (record instanceof ConsumerGroupRecord.TargetAssignmentMember target) {
                group.targetAssignment.put(target.memberId(), target.partitions());
            } else if (record instanceof ConsumerGroupRecord.MemberMetadata member) {
                metadata.put(member.memberId(), member);
            } else if (record instanceof ConsumerGroupRecord.CurrentMemberAssignment assignment) {
                current.put(assignment.memberId(), assignment);
            }
        }
        for (Map.Entry<String, ConsumerGroupRecord.MemberMetadata> member : metadata.entrySet()) {
            group.putMember(ConsumerGroupMember.fromRecords(member.getKey(), member.getValue(),
                    current.get(member.getKey())));
        }
        group.targetAssignment.keySet().retainAll(group.members.keySet());
        group.refreshState();
        return group;
    }

    public String groupId() {
        return groupId;
    }

    public int groupEpoch() {
        return groupEpoch;
    }

    public int assignmentEpoch() {
        return assignmentEpoch;
    }

    public ConsumerGroupState state() {
        return state;
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    public ConsumerGroupMember member(String memberId) {
        return members.get(memberId);
    }

    /** The member id of the static member with that instance id, or null. */
    public String staticMemberId(String instanceId) {
        return instanceId == null ? null : staticMembers.get(instanceId);
    }

    public Collection<ConsumerGroupMember> members() {
        return Collections.unmodifiableCollection(members.values());
    }

    public Map<Uuid, Set<Integer>> targetOf(String memberId) {
        return targetAssignment.getOrDefault(memberId, Map.of());
    }

    public Map<String, SubscribedTopic> subscribedTopics() {
        return subscribedTopics;
    }

    /** The epoch of the member owning the partition, or {@link #NO_OWNER}. */
    public int ownerEpoch(Uuid topicId, int partition) {
        Map<Integer, Integer> owners = partitionOwners.get(topicId);
        Integer epoch = owners == null ? null : owners.get(partition);
        return epoch == null ? NO_OWNER : epoch;
    }

    public void setGroupEpoch(int epoch) {
        groupEpoch = epoch;
        refreshState();
    }

    /** Whether the subscribed topics were resolved against that image, with no subscription changed since. */
    public boolean subscriptionsResolvedAt(long imageOffset) {
        return subscriptionsResolvedAt >= 0 && subscriptionsResolvedAt == imageOffset;
    }

    public void setSubscribedTopics(Map<String, SubscribedTopic> topics, long imageOffset) {
        subscribedTopics = Map.copyOf(topics);
        subscriptionsResolvedAt = imageOffset;
    }

    public void setTargetAssignment(int epoch, Map<String, Map<Uuid, Set<Integer>>> assignment) {
        assignmentEpoch = epoch;
        targetAssignment.clear();
        assignment.forEach((memberId, partitions) -> targetAssignment.put(memberId, Assignments.copyOf(partitions)));
        refreshState();
    }

    /** One member's part of the target (replayed from its record). */
    public void setTargetOf(String memberId, Map<Uuid, Set<Integer>> partitions) {
        targetAssignment.put(memberId, Assignments.copyOf(partitions));
    }

    /** Adds or replaces a member; the partitions it owns are now its. */
    public void putMember(ConsumerGroupMember member) {
        ConsumerGroupMember previous = members.put(member.memberId(), member);
        if (previous == null || previous.subscriptionDiffers(member)) {
            subscriptionsResolvedAt = -1;
        }
        if (previous != null) {
            releaseOwnership(previous);
            if (previous.instanceId() != null) {
                staticMembers.remove(previous.instanceId(), previous.memberId());
            }
        }
        if (member.instanceId() != null) {
            staticMembers.put(member.instanceId(), member.memberId());
        }
        takeOwnership(member);
        refreshState();
    }

    /** Removes a member and its part of the target; what it owned is free. */
    public ConsumerGroupMember removeMember(String memberId) {
        ConsumerGroupMember removed = members.remove(memberId);
        targetAssignment.remove(memberId);
        if (removed != null) {
            subscriptionsResolvedAt = -1;
            releaseOwnership(removed);
            if (removed.instanceId() != null) {
                staticMembers.remove(removed.instanceId(), memberId);
            }
        }
        refreshState();
        return removed;
    }

    /** Deleted, or replaced by a classic group. */
    public void markDead() {
        transitionTo(ConsumerGroupState.DEAD);
    }

    /** The state the epochs and members give; see {@link ConsumerGroupState}. */
    public void refreshState() {
        if (state == ConsumerGroupState.DEAD) {
            return;
        }
        ConsumerGroupState next;
        if (members.isEmpty()) {
            next = ConsumerGroupState.EMPTY;
        } else if (groupEpoch > assignmentEpoch) {
            next = ConsumerGroupState.ASSIGNING;
        } else {
            next = ConsumerGroupState.STABLE;
            for (ConsumerGroupMember member : members.values()) {
                if (member.memberEpoch() != assignmentEpoch || member.state() != MemberState.STABLE) {
                    next = ConsumerGroupState.RECONCILING;
                    break;
                }
            }
        }
        transitionTo(next);
    }

    private void transitionTo(ConsumerGroupState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("Consumer group " + groupId + " cannot move from " + state + " to " + next);
        }
        state = next;
    }

    private void takeOwnership(ConsumerGroupMember member) {
        forEachOwned(member, (topic, partition) -> partitionOwners.computeIfAbsent(topic, t -> new HashMap<>())
                .put(partition, member.memberEpoch()));
    }

    private void releaseOwnership(ConsumerGroupMember member) {
        forEachOwned(member, (topic, partition) -> {
            Map<Integer, Integer> owners = partitionOwners.get(topic);
            if (owners != null) {
                owners.remove(partition);
                if (owners.isEmpty()) {
                    partitionOwners.remove(topic);
                }
            }
        });
    }

    private interface PartitionVisitor {
        void visit(Uuid topic, int partition);
    }

    private static void forEachOwned(ConsumerGroupMember member, PartitionVisitor visitor) {
        member.assignedPartitions().forEach((topic, partitions) -> partitions.forEach(p -> visitor.visit(topic, p)));
        member.partitionsPendingRevocation().forEach((topic, partitions) ->
                partitions.forEach(p -> visitor.visit(topic, p)));
    }
}
