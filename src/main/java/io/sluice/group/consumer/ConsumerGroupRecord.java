package io.sluice.group.consumer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * What a KIP-848 consumer group writes to {@code __consumer_offsets} so that a new coordinator rebuilds it without
 * a rebalance: Kafka's record types, one key per (group) or (group, member), the latest value per key winning and a
 * tombstone removing it. The offsets store encodes them in Kafka's layout (record type as the key version).
 */
public sealed interface ConsumerGroupRecord {
    String groupId();

    /** Kafka's record types; the key's version field. */
    enum Type {
        GROUP_EPOCH((short) 3),
        MEMBER_METADATA((short) 5),
        TARGET_ASSIGNMENT_EPOCH((short) 6),
        TARGET_ASSIGNMENT_MEMBER((short) 7),
        CURRENT_MEMBER_ASSIGNMENT((short) 8);

        private final short id;

        Type(short id) {
            this.id = id;
        }

        public short id() {
            return id;
        }

        /** Whether records of this type are per member (their key has a member id). */
        public boolean perMember() {
            return this == MEMBER_METADATA || this == TARGET_ASSIGNMENT_MEMBER || this == CURRENT_MEMBER_ASSIGNMENT;
        }
    }

    Type type();

    /** The member of a per-member record, null for a group-level one. */
    default String memberId() {
        return null;
    }

    /** ConsumerGroupMetadata: the group epoch, bumped whenever a member or a subscribed topic changes. */
    record GroupEpoch(String groupId, int epoch) implements ConsumerGroupRecord {
        @Override
        public Type type() {
            return Type.GROUP_EPOCH;
        }
    }

    /**
     * ConsumerGroupMemberMetadata: what a member heartbeats with (its subscription and identity).
     *
     * @param classicProtocols for a member still on the classic protocol (a mixed group), the protocols it joined
     *                         with; null for a consumer-protocol member
     */
    record MemberMetadata(String groupId, String memberId, String instanceId, String rackId, String clientId,
                          String clientHost, List<String> subscribedTopicNames, String subscribedTopicRegex,
                          int rebalanceTimeoutMs, String serverAssignor, ClassicMemberMetadata classicProtocols)
            implements ConsumerGroupRecord {
        public MemberMetadata {
            subscribedTopicNames = List.copyOf(subscribedTopicNames);
        }

        @Override
        public Type type() {
            return Type.MEMBER_METADATA;
        }
    }

    /** The classic-protocol side of a member in a consumer group (the ClassicMemberMetadata tagged field). */
    record ClassicMemberMetadata(int sessionTimeoutMs, List<ClassicProtocol> supportedProtocols) {
        public ClassicMemberMetadata {
            supportedProtocols = List.copyOf(supportedProtocols);
        }
    }

    record ClassicProtocol(String name, byte[] metadata) {
    }

    /** ConsumerGroupTargetAssignmentMetadata: the group epoch the target assignment was computed at. */
    record TargetAssignmentEpoch(String groupId, int assignmentEpoch) implements ConsumerGroupRecord {
        @Override
        public Type type() {
            return Type.TARGET_ASSIGNMENT_EPOCH;
        }
    }

    /** ConsumerGroupTargetAssignmentMember: one member's part of the target assignment. */
    record TargetAssignmentMember(String groupId, String memberId, Map<Uuid, Set<Integer>> partitions)
            implements ConsumerGroupRecord {
        public TargetAssignmentMember {
            partitions = Assignments.copyOf(partitions);
        }

        @Override
        public Type type() {
            return Type.TARGET_ASSIGNMENT_MEMBER;
        }
    }

    /** ConsumerGroupCurrentMemberAssignment: where the member is in reconciling (its epochs, what it owns). */
    record CurrentMemberAssignment(String groupId, String memberId, int memberEpoch, int previousMemberEpoch,
                                   MemberState state, Map<Uuid, Set<Integer>> assignedPartitions,
                                   Map<Uuid, Set<Integer>> partitionsPendingRevocation)
            implements ConsumerGroupRecord {
        public CurrentMemberAssignment {
            assignedPartitions = Assignments.copyOf(assignedPartitions);
            partitionsPendingRevocation = Assignments.copyOf(partitionsPendingRevocation);
        }

        @Override
        public Type type() {
            return Type.CURRENT_MEMBER_ASSIGNMENT;
        }
    }

    /** Removes the value of its key: a member that left, a deleted group. */
    record Tombstone(Type type, String groupId, String memberId) implements ConsumerGroupRecord {
        public Tombstone {
            if (type.perMember() != (memberId != null)) {
                throw new IllegalArgumentException("A " + type + " tombstone " + (type.perMember()
                        ? "needs" : "has no") + " member id");
            }
        }
    }
}
