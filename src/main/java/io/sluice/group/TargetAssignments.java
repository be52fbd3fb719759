package io.sluice.group;

import io.sluice.group.consumer.Assignments;
import io.sluice.group.consumer.ConsumerGroup;
import io.sluice.group.consumer.ConsumerGroupMember;
import io.sluice.group.consumer.ConsumerGroupRecord;
import io.sluice.group.consumer.TopicSubscriptions;
import io.sluice.group.consumer.assignor.PartitionAssignor;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A consumer group's target assignment for its current group epoch: which assignor the group uses (the one most
 * members ask for, else the default), what it is told (each member's subscribed topic ids, rack and previous target;
 * each topic's partitions and, when members have racks, the racks of their replicas), and the records of what
 * changed.
 *
 * <p>Threading: stateless apart from its settings; called in the group's events.
 */
final class TargetAssignments {
    private final ConsumerGroupConfig config;
    private final TopicSubscriptions subscriptions;

    TargetAssignments(ConsumerGroupConfig config, TopicSubscriptions subscriptions) {
        this.config = config;
        this.subscriptions = subscriptions;
    }

    /** The assignor's target for the group epoch; records only the members whose part changed. */
    void compute(ConsumerGroup group, MetadataImage image, List<ConsumerGroupRecord> records) {
        PartitionAssignor assignor = assignorOf(group);
        Map<String, Map<Uuid, Set<Integer>>> target = assignor.assign(assignmentSpec(group, image));
        for (ConsumerGroupMember member : group.members()) {
            Map<Uuid, Set<Integer>> part = Assignments.copyOf(target.getOrDefault(member.memberId(), Map.of()));
            if (!part.equals(group.targetOf(member.memberId()))) {
                records.add(new ConsumerGroupRecord.TargetAssignmentMember(group.groupId(), member.memberId(), part));
            }
        }
        group.setTargetAssignment(group.groupEpoch(), target);
        records.add(new ConsumerGroupRecord.TargetAssignmentEpoch(group.groupId(), group.groupEpoch()));
    }

    /** The assignor most members ask for, else the default (Kafka's rule). */
    PartitionAssignor assignorOf(ConsumerGroup group) {
        Map<String, Integer> votes = new HashMap<>();
        for (ConsumerGroupMember member : group.members()) {
            if (member.serverAssignor() != null && config.assignor(member.serverAssignor()) != null) {
                votes.merge(member.serverAssignor(), 1, Integer::sum);
            }
        }
        String chosen = null;
        for (Map.Entry<String, Integer> vote : votes.entrySet()) {
            if (chosen == null || vote.getValue() > votes.get(chosen)
                    || (vote.getValue().equals(votes.get(chosen)) && vote.getKey().compareTo(chosen) < 0)) {
                chosen = vote.getKey();
            }
        }
        return chosen == null ? config.defaultAssignor() : config.assignor(chosen);
    }

    /** The assignor's view: each member's subscribed topic ids and previous target, each topic's partitions. */
    private PartitionAssignor.AssignmentSpec assignmentSpec(ConsumerGroup group, MetadataImage image) {
        boolean racks = false;
        Map<String, PartitionAssignor.MemberSpec> members = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (ConsumerGroupMember member : group.members()) {
            Set<String> topics = subscriptions.topicsOf(member, image);
            names.addAll(topics);
            Set<Uuid> ids = new HashSet<>();
            for (String name : topics) {
                ids.add(image.topic(name).id());
            }
            racks |= member.rackId() != null;
            members.put(member.memberId(), new PartitionAssignor.MemberSpec(member.rackId(), member.instanceId(),
                    ids, group.targetOf(member.memberId())));
        }
        Map<Uuid, PartitionAssignor.TopicSpec> topics = new HashMap<>();
        for (String name : names) {
            TopicImage topic = image.topic(name);
            topics.put(topic.id(), new PartitionAssignor.TopicSpec(name, topic.partitions().size(),
                    racks ? partitionRacks(topic, image) : Map.of()));
        }
        return new PartitionAssignor.AssignmentSpec(members, topics);
    }

    private static Map<Integer, Set<String>> partitionRacks(TopicImage topic, MetadataImage image) {
        Map<Integer, Set<String>> racks = new HashMap<>();
        for (PartitionImage partition : topic.partitions().values()) {
            Set<String> replicaRacks = new HashSet<>();
            for (int replica : partition.replicas()) {
                BrokerImage broker = image.brokers().get(replica);
                if (broker != null && broker.rack() != null) {
                    replicaRacks.add(broker.rack());
                }
            }
            if (!replicaRacks.isEmpty()) {
                racks.put(partition.partition(), replicaRacks);
            }
        }
        return racks;
    }
}
