package io.sluice.group;

import static io.sluice.group.GroupResponses.storeError;

import io.sluice.group.consumer.ConsumerGroup;
import io.sluice.group.consumer.ConsumerGroupDescriptions;
import io.sluice.group.consumer.ConsumerGroupState;
import io.sluice.group.share.ShareGroup;
import io.sluice.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.protocol.Errors;

/**
 * Group administration: ListGroups, DescribeGroups, ConsumerGroupDescribe, DeleteGroups, and the state queries tools and offset expiry use.
 *
 * <p>Threading: each group is read and changed in its events ({@link Groups#run}); the store is written after them.
 */
final class GroupAdmin {
    private final Groups groups;
    private final OffsetStore offsets;
    private final ConsumerRebalance consumerRebalance;
    private final Supplier<MetadataImage> metadata;

    GroupAdmin(Groups groups, OffsetStore offsets, ConsumerRebalance consumerRebalance,
               Supplier<MetadataImage> metadata) {
        this.groups = groups;
        this.offsets = offsets;
        this.consumerRebalance = consumerRebalance;
        this.metadata = metadata;
    }

    /** Every group this node coordinates, including groups that only hold committed offsets. */
    CompletableFuture<List<GroupCoordinator.GroupListing>> listGroups() {
        List<CompletableFuture<GroupCoordinator.GroupListing>> inMemory = new ArrayList<>();
        for (ClassicGroup group : groups.all()) {
            inMemory.add(groups.run(group, () -> group.is(GroupState.DEAD) ? null
                    : new GroupCoordinator.GroupListing(group.groupId(),
                            group.protocolType() == null ? "" : group.protocolType(), group.state().kafkaName(),
                            GroupCoordinator.GroupListing.CLASSIC)));
        }
        for (ShareGroup group : groups.allShareGroups()) {
            inMemory.add(groups.run(group.groupId(), () -> group.state() == ShareGroup.State.DEAD ? null
                    : new GroupCoordinator.GroupListing(group.groupId(), GroupCoordinator.GroupListing.SHARE,
                            group.state().kafkaName(), GroupCoordinator.GroupListing.SHARE)));
        }
        for (ConsumerGroup group : groups.allConsumerGroups()) {
            inMemory.add(groups.run(group.groupId(), () -> group.state() == ConsumerGroupState.DEAD ? null
                    : new GroupCoordinator.GroupListing(group.groupId(), GroupCoordinator.GroupListing.CONSUMER,
                            group.state().kafkaName(), GroupCoordinator.GroupListing.CONSUMER)));
        }
        return CompletableFuture.allOf(inMemory.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, GroupCoordinator.GroupListing> listings = new HashMap<>();
            for (String groupId : offsets.groups()) {
                listings.put(groupId, new GroupCoordinator.GroupListing(groupId, "", GroupState.EMPTY.kafkaName(),
                        GroupCoordinator.GroupListing.CLASSIC));
            }
            for (CompletableFuture<GroupCoordinator.GroupListing> listing : inMemory) {
                GroupCoordinator.GroupListing value = listing.join();
                if (value != null) {
                    listings.put(value.groupId(), value);
                }
            }
            return new ArrayList<>(listings.values());
        });
    }

    /**
     * DescribeGroups for one group, or null if there is no such group. Outside STABLE there is no protocol and
     * members are shown without metadata or assignment, as Kafka shows them. A group coordinated elsewhere (or
     * still loading) is answered with that error.
     */
    CompletableFuture<DescribedGroup> describeGroup(String groupId) {
        Errors notHere = groups.errorFor(groupId);
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(new DescribedGroup().setGroupId(groupId)
                    .setErrorCode(notHere.code()).setGroupState("").setProtocolType("").setProtocolData(""));
        }
        if (groups.consumerGroup(groupId) != null) {
            return CompletableFuture.completedFuture(new DescribedGroup().setGroupId(groupId)
                    .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " is not a classic group.").setGroupState("")
                    .setProtocolType("").setProtocolData(""));
        }
        ClassicGroup group = groups.find(groupId);
        return group == null ? CompletableFuture.completedFuture(null) : groups.run(group, () -> describe(group));
    }

    /** ConsumerGroupDescribe for one group; GROUP_ID_NOT_FOUND for a classic group or none. */
    CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup> describeConsumerGroup(String groupId) {
        Errors notHere = groups.errorFor(groupId);
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(describeError(groupId, notHere, null));
        }
        ConsumerGroup group = groups.consumerGroup(groupId);
        if (group == null) {
            String message = groups.find(groupId) != null ? "Group " + groupId + " is not a consumer group."
                    : "Group " + groupId + " not found.";
            return CompletableFuture.completedFuture(describeError(groupId, Errors.GROUP_ID_NOT_FOUND, message));
        }
        return groups.run(groupId, () -> group.state() == ConsumerGroupState.DEAD
                ? describeError(groupId, Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found.")
                : ConsumerGroupDescriptions.describe(group, consumerRebalance.assignorOf(group).name(),
                        metadata.get()));
    }

    private static ConsumerGroupDescribeResponseData.DescribedGroup describeError(String groupId, Errors error,
                                                                                  String message) {
        return new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                .setErrorCode(error.code()).setErrorMessage(message);
    }

    /** In the group's event. */
    private static DescribedGroup describe(ClassicGroup group) {
        if (group.is(GroupState.DEAD)) {
            return null;
        }
        boolean stable = group.is(GroupState.STABLE);
        DescribedGroup described = new DescribedGroup().setGroupId(group.groupId()).setErrorCode(Errors.NONE.code())
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

    /** DeleteGroups for one group: only an empty group can go; its committed offsets go with it. */
    CompletableFuture<Errors> deleteGroup(String groupId) {
        Errors notHere = groups.errorFor(groupId);
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(notHere);
        }
        ShareGroup shareGroup = groups.shareGroup(groupId);
        if (shareGroup != null) {
            return groups.run(groupId, () -> {
                if (shareGroup.state() == ShareGroup.State.DEAD) {
                    return Errors.GROUP_ID_NOT_FOUND;
                }
                if (!shareGroup.isEmpty()) {
                    return Errors.NON_EMPTY_GROUP;
                }
                shareGroup.markDead();
                groups.removeShareGroup(shareGroup);
                return Errors.NONE;
            });
        }
        ConsumerGroup consumerGroup = groups.consumerGroup(groupId);
        if (consumerGroup != null) {
            return groups.run(groupId, () -> {
                if (consumerGroup.state() == ConsumerGroupState.DEAD) {
                    return Errors.GROUP_ID_NOT_FOUND;
                }
                if (!consumerGroup.isEmpty()) {
                    return Errors.NON_EMPTY_GROUP;
                }
                consumerGroup.markDead();
                consumerRebalance.cancelTimers(groupId);
                groups.removeConsumerGroup(consumerGroup);
                return (Errors) null;
            }).thenCompose(refused -> refused != null ? CompletableFuture.completedFuture(refused)
                    : offsets.deleteGroup(groupId).handle((done, failure) -> failure == null ? Errors.NONE
                            : storeError(failure)));
        }
        ClassicGroup group = groups.find(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
        }
        return groups.run(group, () -> {
            if (group.is(GroupState.DEAD)) {
                return Errors.GROUP_ID_NOT_FOUND;
            }
            if (!group.is(GroupState.EMPTY)) {
                return Errors.NON_EMPTY_GROUP;
            }
            group.transitionTo(GroupState.DEAD);
            for (String pending : group.pendingMemberIds()) {
                group.removePending(pending);
            }
            group.rebalance().cancelJoinTimer();
            groups.remove(group);
            return (Errors) null;
        }).thenCompose(refused -> refused != null ? CompletableFuture.completedFuture(refused)
                : offsets.deleteGroup(groupId).handle((done, failure) -> failure == null ? Errors.NONE
                        : storeError(failure)));
    }

    /** The group's state, for tests and tools; null if there is no such group. */
    CompletableFuture<GroupState> groupState(String groupId) {
        ClassicGroup group = groups.find(groupId);
        return group == null ? CompletableFuture.completedFuture(null) : groups.run(group, group::state);
    }

    /**
     * Whether the group has no members (so its offsets may expire): unknown and offsets-only groups have none. Read
     * without an event (offset expiry asks from its own thread): a member joining meanwhile is seen next time.
     */
    boolean hasNoMembers(String groupId) {
        ConsumerGroup consumerGroup = groups.consumerGroup(groupId);
        if (consumerGroup != null) {
            return consumerGroup.isEmpty();
        }
        ClassicGroup group = groups.get(groupId);
        return group == null || group.memberCount() == 0;
    }
}
