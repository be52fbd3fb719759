package io.sluice.group.consumer;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;

/**
 * A consumer group as ConsumerGroupDescribe shows it: its state and epochs, the assignor, and per member its
 * epoch, subscription, current assignment and target assignment, with topic names from the metadata. Stateless.
 */
public final class ConsumerGroupDescriptions {
    /** ConsumerGroupDescribe v1's member types. */
    private static final byte CLASSIC_MEMBER = 0;
    private static final byte CONSUMER_MEMBER = 1;

    private ConsumerGroupDescriptions() {
    }

    /** In the group's event. */
    public static DescribedGroup describe(ConsumerGroup group, String assignorName, MetadataImage image) {
        DescribedGroup described = new DescribedGroup().setGroupId(group.groupId())
                .setGroupState(group.state().kafkaName()).setGroupEpoch(group.groupEpoch())
                .setAssignmentEpoch(group.assignmentEpoch()).setAssignorName(assignorName);
        for (ConsumerGroupMember member : group.members()) {
            described.members().add(new ConsumerGroupDescribeResponseData.Member()
                    .setMemberId(member.memberId()).setInstanceId(member.instanceId()).setRackId(member.rackId())
                    .setMemberEpoch(member.memberEpoch()).setClientId(member.clientId())
                    .setClientHost(member.clientHost()).setSubscribedTopicNames(member.subscribedTopicNames())
                    .setSubscribedTopicRegex(member.subscribedTopicRegex())
                    .setAssignment(assignment(member.assignedPartitions(), image))
                    .setTargetAssignment(assignment(group.targetOf(member.memberId()), image))
                    .setMemberType(member.isClassic() ? CLASSIC_MEMBER : CONSUMER_MEMBER));
        }
        return described;
    }

    private static ConsumerGroupDescribeResponseData.Assignment assignment(Map<Uuid, Set<Integer>> partitions,
                                                                           MetadataImage image) {
        List<ConsumerGroupDescribeResponseData.TopicPartitions> topics = new ArrayList<>();
        partitions.forEach((topicId, numbers) -> {
            TopicImage topic = image.topic(topicId);
            topics.add(new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicId(topicId)
                    .setTopicName(topic == null ? "" : topic.name()).setPartitions(new ArrayList<>(numbers)));
        });
        return new ConsumerGroupDescribeResponseData.Assignment().setTopicPartitions(topics);
    }
}
