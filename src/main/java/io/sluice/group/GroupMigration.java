package io.sluice.group;

import io.sluice.group.consumer.ConsumerGroup;
import io.sluice.group.consumer.ConsumerGroupMember;
import io.sluice.group.consumer.ConsumerGroupRecord;
import io.sluice.group.consumer.MemberState;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Online migration between the group protocols, as Kafka 4.x does it: a classic group becomes a KIP-848 consumer
 * group when a consumer-protocol member joins it (its members stay, on the classic protocol, each with what it was
 * assigned), and a consumer group whose last consumer-protocol member left becomes a classic group again. Also the
 * translation of a classic member's subscription and assignment (Kafka's ConsumerProtocol bytes) to and from the
 * topic ids a consumer group works with. Stateless.
 */
final class GroupMigration {
    private GroupMigration() {
    }

    /** Why the classic group cannot become a consumer group now, or null if it can. */
    static String refusesUpgrade(ClassicGroup classic, ConsumerGroupConfig config) {
        if (!config.migrationPolicy().equals("bidirectional") && !config.migrationPolicy().equals("upgrade")) {
            return "group.consumer.migration.policy is " + config.migrationPolicy() + ".";
        }
        if (!ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(classic.protocolType())) {
            return "its protocol type is " + classic.protocolType() + ", not consumer.";
        }
        if (!classic.is(GroupState.STABLE)) {
            return "it is " + classic.state().kafkaName() + "; a member can join with the consumer protocol once "
                    + "it is Stable.";
        }
        if (classic.size() >= config.maxSize()) {
            return "it has " + classic.size() + " members and group.consumer.max.size is " + config.maxSize() + ".";
        }
        for (GroupMember member : classic.members()) {
            if (subscription(member.metadata(classic.protocolName())) == null) {
                return "the subscription of member " + member.memberId() + " cannot be read.";
            }
        }
        return null;
    }

    static boolean allowsDowngrade(ConsumerGroupConfig config) {
        return config.migrationPolicy().equals("bidirectional") || config.migrationPolicy().equals("downgrade");
    }

    /**
     * The consumer group a stable classic group becomes: the generation is its group and assignment epoch, and each
     * member is at that epoch owning its classic assignment, which is also its target (nothing moves until the
     * joining member bumps the epoch). The records describing it are added to {@code records}.
     */
    static ConsumerGroup toConsumerGroup(ClassicGroup classic, MetadataImage image,
                                         List<ConsumerGroupRecord> records) {
        String groupId = classic.groupId();
        int epoch = classic.generationId();
        ConsumerGroup group = new ConsumerGroup(groupId);
        Map<String, Map<Uuid, Set<Integer>>> target = new HashMap<>();
        for (GroupMember classicMember : classic.members()) {
            ConsumerPartitionAssignor.Subscription subscription =
                    subscription(classicMember.metadata(classic.protocolName()));
            Map<Uuid, Set<Integer>> assigned = topicIds(assignment(classicMember.assignment()), image);
            ConsumerGroupMember member = ConsumerGroupMember.joining(classicMember.memberId(),
                            classicMember.groupInstanceId(), subscription.rackId().orElse(null),
                            classicMember.clientId(), classicMember.clientHost(), subscription.topics(), null,
                            classicMember.rebalanceTimeoutMs(), null)
                    .withClassicProtocols(classicProtocols(classicMember.sessionTimeoutMs(),
                            classicMember.protocols()))
                    .reconciled(epoch, MemberState.STABLE, assigned, Map.of());
            group.putMember(member);
            target.put(member.memberId(), assigned);
            records.add(member.metadataRecord(groupId));
            records.add(new ConsumerGroupRecord.TargetAssignmentMember(groupId, member.memberId(), assigned));
            records.add(member.assignmentRecord(groupId));
        }
        group.setGroupEpoch(epoch);
        group.setTargetAssignment(epoch, target);
        records.add(new ConsumerGroupRecord.GroupEpoch(groupId, epoch));
        records.add(new ConsumerGroupRecord.TargetAssignmentEpoch(groupId, epoch));
        return group;
    }

    /**
     * The classic group a consumer group of only classic members becomes: its generation is its members' epoch, the
     * protocol one every member supports, and each member keeps what it owns as its assignment.
     */
    static GroupMetadata toClassicMetadata(ConsumerGroup group, MetadataImage image, long nowMs) {
        String protocol = commonProtocol(group);
        List<GroupMetadata.Member> members = new ArrayList<>();
        for (ConsumerGroupMember member : group.members()) {
            byte[] subscription = new byte[0];
            for (ConsumerGroupRecord.ClassicProtocol supported : member.classicProtocols().supportedProtocols()) {
                if (supported.name().equals(protocol)) {
                    subscription = supported.metadata();
                }
            }
            members.add(new GroupMetadata.Member(member.memberId(), member.instanceId(), member.clientId(),
                    member.clientHost(), member.rebalanceTimeoutMs(), member.classicProtocols().sessionTimeoutMs(),
                    subscription, assignmentBytes(member.assignedPartitions(), image)));
        }
        // The generation the members know (their epoch), so their heartbeats hear of the rebalance rather than
        // of a generation they never saw.
        int generation = group.members().stream().mapToInt(ConsumerGroupMember::memberEpoch).max().orElse(0);
        return new GroupMetadata(group.groupId(), ClassicGroup.CONSUMER_PROTOCOL_TYPE, generation, protocol,
                members.get(0).memberId(), nowMs, members);
    }

    /** The first protocol (of the first member's, in its order of preference) every member supports. */
    private static String commonProtocol(ConsumerGroup group) {
        List<ConsumerGroupMember> members = new ArrayList<>(group.members());
        for (ConsumerGroupRecord.ClassicProtocol candidate : members.get(0).classicProtocols().supportedProtocols()) {
            boolean everyone = members.stream().allMatch(member -> member.classicProtocols().supportedProtocols()
                    .stream().anyMatch(p -> p.name().equals(candidate.name())));
            if (everyone) {
                return candidate.name();
            }
        }
        return members.get(0).classicProtocols().supportedProtocols().get(0).name();
    }

    static ConsumerGroupRecord.ClassicMemberMetadata classicProtocols(int sessionTimeoutMs,
                                                                      List<GroupMember.Protocol> protocols) {
        List<ConsumerGroupRecord.ClassicProtocol> supported = new ArrayList<>();
        for (GroupMember.Protocol protocol : protocols) {
            supported.add(new ConsumerGroupRecord.ClassicProtocol(protocol.name(), protocol.metadata()));
        }
        return new ConsumerGroupRecord.ClassicMemberMetadata(sessionTimeoutMs, supported);
    }

    /** A classic consumer's subscription (ConsumerProtocol), or null if the bytes are not one. */
    static ConsumerPartitionAssignor.Subscription subscription(byte[] metadata) {
        if (metadata == null || metadata.length == 0) {
            return null;
        }
        try {
            return ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static List<TopicPartition> assignment(byte[] assignment) {
        if (assignment == null || assignment.length == 0) {
            return List.of();
        }
        try {
            return ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment)).partitions();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Partitions by name as a consumer group keeps them, by topic id; topics that no longer exist are left out. */
    static Map<Uuid, Set<Integer>> topicIds(List<TopicPartition> partitions, MetadataImage image) {
        Map<Uuid, Set<Integer>> byId = new HashMap<>();
        for (TopicPartition tp : partitions) {
            TopicImage topic = image.topic(tp.topic());
            if (topic != null) {
                byId.computeIfAbsent(topic.id(), id -> new HashSet<>()).add(tp.partition());
            }
        }
        return byId;
    }

    /** A consumer group assignment as a classic member's ConsumerProtocol assignment bytes (topics by name). */
    static byte[] assignmentBytes(Map<Uuid, Set<Integer>> partitions, MetadataImage image) {
        List<TopicPartition> named = new ArrayList<>();
        partitions.forEach((topicId, numbers) -> {
            TopicImage topic = image.topic(topicId);
            if (topic != null) {
                numbers.stream().sorted().forEach(p -> named.add(new TopicPartition(topic.name(), p)));
            }
        });
        ByteBuffer buffer = ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(named));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
