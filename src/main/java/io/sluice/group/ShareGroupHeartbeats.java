package io.sluice.group;

import io.sluice.group.share.ShareGroup;
import io.sluice.group.share.ShareGroupMember;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * KIP-932's share group membership for the groups served here: ShareGroupHeartbeat (join, heartbeat, leave),
 * member sessions ({@code group.share.session.timeout.ms}), the group epoch and the assignment (see
 * {@link ShareGroup}), and ShareGroupDescribe. Membership is kept in memory: a coordinator that takes a group over
 * answers its members UNKNOWN_MEMBER_ID and they join again, which costs a share group nothing (its records'
 * delivery state lives with the partitions, not with the members).
 *
 * <p>Threading: any thread may call; a group is read and changed only in its events ({@link Groups#run}); session
 * timers are in a concurrent map, each touched only in its group's events.
 */
final class ShareGroupHeartbeats {
    private static final int LEAVE_EPOCH = -1;

    private final Groups groups;
    private final GroupTimer timer;
    private final ShareGroupConfig config;
    private final Supplier<MetadataImage> metadata;
    private final Map<String, GroupTimer.Scheduled> sessions = new ConcurrentHashMap<>();

    ShareGroupHeartbeats(Groups groups, GroupTimer timer, ShareGroupConfig config, Supplier<MetadataImage> metadata) {
        this.groups = groups;
        this.timer = timer;
        this.config = config;
        this.metadata = metadata;
    }

    CompletableFuture<ShareGroupHeartbeatResponseData> heartbeat(ShareGroupHeartbeatRequestData request,
                                                                String clientId, String clientHost) {
        String invalid = invalidRequest(request);
        if (invalid != null) {
            return CompletableFuture.completedFuture(error(Errors.INVALID_REQUEST, invalid));
        }
        Errors notHere = groups.errorFor(request.groupId());
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(error(notHere, null));
        }
        return groups.run(request.groupId(), () -> onHeartbeat(request, clientId, clientHost));
    }

    private static String invalidRequest(ShareGroupHeartbeatRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return "GroupId can't be empty.";
        }
        if (request.memberId() == null || request.memberId().isEmpty()) {
            return "MemberId can't be empty.";
        }
        if (request.rackId() != null && request.rackId().isEmpty()) {
            return "RackId can't be empty.";
        }
        if (request.memberEpoch() == 0 && (request.subscribedTopicNames() == null
                || request.subscribedTopicNames().isEmpty())) {
            return "SubscribedTopicNames must be set in first request.";
        }
        if (request.memberEpoch() < LEAVE_EPOCH) {
            return "MemberEpoch is invalid.";
        }
        return null;
    }

    /** In the group's event. */
    private ShareGroupHeartbeatResponseData onHeartbeat(ShareGroupHeartbeatRequestData request, String clientId,
                                                        String clientHost) {
        String groupId = request.groupId();
        if (groups.consumerGroup(groupId) != null || groups.get(groupId) != null) {
            return error(Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " is not a share group.");
        }
        ShareGroup group = groups.shareGroup(groupId);
        int epoch = request.memberEpoch();
        if (group == null) {
            if (epoch != 0) {
                return error(Errors.UNKNOWN_MEMBER_ID, "Member " + request.memberId() + " is not a member of group "
                        + groupId + ".");
            }
            group = new ShareGroup(groupId);
            groups.putShareGroup(group);
        }
        ShareGroupMember member = group.member(request.memberId());
        if (epoch == LEAVE_EPOCH) {
            if (member == null) {
                return error(Errors.UNKNOWN_MEMBER_ID, "Member " + request.memberId() + " is not a member of group "
                        + groupId + ".");
            }
            removeMember(group, member.memberId());
            return new ShareGroupHeartbeatResponseData().setMemberId(member.memberId()).setMemberEpoch(LEAVE_EPOCH);
        }
        if (member == null) {
            if (epoch != 0) {
                return error(Errors.UNKNOWN_MEMBER_ID, "Member " + request.memberId() + " is not a member of group "
                        + groupId + ".");
            }
            if (group.members().size() >= config.maxSize()) {
                return error(Errors.GROUP_MAX_SIZE_REACHED, "The share group has reached its maximum capacity of "
                        + config.maxSize() + " members.");
            }
            member = new ShareGroupMember(request.memberId(), request.rackId(), clientId, clientHost,
                    request.subscribedTopicNames(), 0, Map.of());
        } else if (epoch != 0 && epoch != member.memberEpoch()) {
            return error(Errors.FENCED_MEMBER_EPOCH, "The share group member has a epoch (" + epoch
                    + ") that does not match the expected one (" + member.memberEpoch() + ").");
        }
        ShareGroupMember updated = member.withSubscription(request.rackId(), clientId, clientHost,
                request.subscribedTopicNames());
        boolean changed = group.member(updated.memberId()) == null
                || !updated.subscribedTopicNames().equals(member.subscribedTopicNames());
        group.putMember(updated);
        Map<String, Map.Entry<Uuid, Integer>> topics = subscribedTopics(group);
        if (changed || !topics.equals(group.assignedTopics())) {
            group.reassign(topics);
        }
        ShareGroupMember current = updated.memberEpoch() == group.groupEpoch() ? updated
                : updated.withAssignment(group.groupEpoch(), group.targetOf(updated.memberId()));
        group.putMember(current);
        scheduleSession(group, current.memberId());

        ShareGroupHeartbeatResponseData response = new ShareGroupHeartbeatResponseData()
                .setMemberId(current.memberId()).setMemberEpoch(current.memberEpoch())
                .setHeartbeatIntervalMs(config.heartbeatIntervalMs());
        if (epoch == 0 || current.memberEpoch() != member.memberEpoch()) {
            List<ShareGroupHeartbeatResponseData.TopicPartitions> assigned = new ArrayList<>();
            current.assignment().forEach((topicId, partitions) -> assigned.add(
                    new ShareGroupHeartbeatResponseData.TopicPartitions().setTopicId(topicId)
                            .setPartitions(new ArrayList<>(partitions))));
            response.setAssignment(new ShareGroupHeartbeatResponseData.Assignment().setTopicPartitions(assigned));
        }
        return response;
    }

    /** The topics the members subscribe to that exist, with their ids and partition counts. */
    private Map<String, Map.Entry<Uuid, Integer>> subscribedTopics(ShareGroup group) {
        MetadataImage image = metadata.get();
        Map<String, Map.Entry<Uuid, Integer>> topics = new HashMap<>();
        for (ShareGroupMember member : group.members()) {
            for (String name : member.subscribedTopicNames()) {
                TopicImage topic = image.topic(name);
                if (topic != null) {
                    topics.put(name, new AbstractMap.SimpleImmutableEntry<>(topic.id(), topic.partitions().size()));
                }
            }
        }
        return topics;
    }

    /** In the group's event: the member is gone, and the others share its partitions from the next epoch. */
    private void removeMember(ShareGroup group, String memberId) {
        GroupTimer.Scheduled session = sessions.remove(sessionKey(group.groupId(), memberId));
        if (session != null) {
            session.cancel();
        }
        if (group.removeMember(memberId) != null) {
            group.reassign(subscribedTopics(group));
        }
    }

    private void scheduleSession(ShareGroup group, String memberId) {
        String key = sessionKey(group.groupId(), memberId);
        GroupTimer.Scheduled[] self = new GroupTimer.Scheduled[1];
        self[0] = timer.schedule(config.sessionTimeoutMs(), () -> groups.run(group.groupId(), () -> {
            if (sessions.get(key) == self[0]) {
                if (groups.shareGroup(group.groupId()) == group) {
                    removeMember(group, memberId);
                } else {
                    sessions.remove(key, self[0]);
                }
            }
            return null;
        }));
        GroupTimer.Scheduled previous = sessions.put(key, self[0]);
        if (previous != null) {
            previous.cancel();
        }
    }

    private static String sessionKey(String groupId, String memberId) {
        return groupId + '\u0000' + memberId;
    }

    /** ShareGroupDescribe for one group; GROUP_ID_NOT_FOUND if there is no share group of that id. */
    CompletableFuture<ShareGroupDescribeResponseData.DescribedGroup> describe(String groupId) {
        Errors notHere = groups.errorFor(groupId);
        ShareGroup group = groups.shareGroup(groupId);
        if (notHere != Errors.NONE || group == null) {
            Errors error = notHere != Errors.NONE ? notHere : Errors.GROUP_ID_NOT_FOUND;
            return CompletableFuture.completedFuture(new ShareGroupDescribeResponseData.DescribedGroup()
                    .setGroupId(groupId).setErrorCode(error.code())
                    .setErrorMessage(error == Errors.GROUP_ID_NOT_FOUND ? "Group " + groupId + " is not a share group."
                            : null));
        }
        return groups.run(groupId, () -> {
            MetadataImage image = metadata.get();
            ShareGroupDescribeResponseData.DescribedGroup described = new ShareGroupDescribeResponseData
                    .DescribedGroup().setGroupId(groupId).setGroupState(group.state().kafkaName())
                    .setGroupEpoch(group.groupEpoch()).setAssignmentEpoch(group.groupEpoch()).setAssignorName("simple");
            for (ShareGroupMember member : group.members()) {
                List<ShareGroupDescribeResponseData.TopicPartitions> assigned = new ArrayList<>();
                member.assignment().forEach((topicId, partitions) -> {
                    TopicImage topic = image.topic(topicId);
                    assigned.add(new ShareGroupDescribeResponseData.TopicPartitions().setTopicId(topicId)
                            .setTopicName(topic == null ? "" : topic.name()).setPartitions(new ArrayList<>(partitions)));
                });
                described.members().add(new ShareGroupDescribeResponseData.Member().setMemberId(member.memberId())
                        .setRackId(member.rackId()).setMemberEpoch(member.memberEpoch()).setClientId(member.clientId())
                        .setClientHost(member.clientHost()).setSubscribedTopicNames(member.subscribedTopicNames())
                        .setAssignment(new ShareGroupDescribeResponseData.Assignment().setTopicPartitions(assigned)));
            }
            return described;
        });
    }

    private static ShareGroupHeartbeatResponseData error(Errors error, String message) {
        return new ShareGroupHeartbeatResponseData().setErrorCode(error.code()).setErrorMessage(message);
    }
}
