package io.sluice.group;

import io.sluice.group.consumer.ConsumerGroupRecord;
import io.sluice.metadata.MetadataImage;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The group coordinator of this node (classic and KIP-848 consumer groups), as the request handlers and the coordination of offsets partitions
 * see it. Its parts, each owning one job over the same {@link Groups}:
 * <ul>
 *   <li>{@link ClassicRebalance}: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, the join phase, member sessions;</li>
 *   <li>{@link ConsumerRebalance}: KIP-848's ConsumerGroupHeartbeat, target assignments and reconciliation, with
 *   {@link TargetAssignments}, {@link ClassicMembersOfConsumerGroups} for classic members of such groups and
 *   {@link GroupMigration} for converting groups between the protocols;</li>
 *   <li>{@link GroupOffsets}: OffsetCommit, OffsetFetch, OffsetDelete;</li>
 *   <li>{@link GroupAdmin}: ListGroups, DescribeGroups, ConsumerGroupDescribe, DeleteGroups;</li>
 *   <li>{@link GroupLoader}: loading and unloading groups as offsets partitions move.</li>
 * </ul>
 * Committed offsets and stored group metadata live in the {@link OffsetStore} (on the broker, the
 * {@code __consumer_offsets} partitions run by the coordinator runtime).
 *
 * <p>Threading: any thread may call; each group's requests, timers and store answers run as its events, one at a
 * time and holding no lock, and the futures they answer complete after each event (see the package comment).
 */
public final class GroupCoordinator implements AutoCloseable {
    /**
     * A group as ListGroups shows it.
     *
     * @param state its state as Kafka names it ({@link GroupState#kafkaName}, {@code ConsumerGroupState#kafkaName})
     * @param type  {@code classic} or {@code consumer}
     */
    public record GroupListing(String groupId, String protocolType, String state, String type) {
        public static final String CLASSIC = "classic";
        public static final String CONSUMER = "consumer";
        public static final String SHARE = "share";
    }

    private final ClassicRebalance rebalance;
    private final ConsumerRebalance consumerRebalance;
    private final ClassicMembersOfConsumerGroups classicMembers;
    private final ShareGroupHeartbeats shareGroups;
    private final Groups groupsById;
    private final GroupOffsets offsets;
    private final GroupAdmin admin;
    private final GroupLoader loader;

    /** How long close waits for the groups to answer their waiting members. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * A coordinator of every group whose events run on the calling threads: for tests that drive it from one
     * thread. A broker gives it an executor of its own ({@link #GroupCoordinator(OffsetStore, GroupTimer,
     * GroupConfig, GroupOwnership, Executor)}), so no request thread runs another connection's group work.
     */
    public GroupCoordinator(OffsetStore offsets, GroupTimer timer, GroupConfig config) {
        this(offsets, timer, config, GroupOwnership.ALL, Runnable::run);
    }

    /**
     * A coordinator of the groups ownership says are here (requests for the others get its error), running each
     * group's events one at a time on {@code events}.
     */
    public GroupCoordinator(OffsetStore store, GroupTimer timer, GroupConfig config, GroupOwnership ownership,
                            Executor events) {
        this(store, timer, config, ownership, events, MetadataImage::empty);
    }

    /** As above; consumer groups subscribe to the topics of {@code metadata}. */
    public GroupCoordinator(OffsetStore store, GroupTimer timer, GroupConfig config, GroupOwnership ownership,
                            Executor events, Supplier<MetadataImage> metadata) {
        Groups groups = new Groups(store, ownership, events);
        this.rebalance = new ClassicRebalance(groups, store, timer, config);
        this.consumerRebalance = new ConsumerRebalance(groups, store, timer, config.consumer(), metadata, rebalance);
        this.classicMembers = new ClassicMembersOfConsumerGroups(groups, consumerRebalance, metadata);
        this.shareGroups = new ShareGroupHeartbeats(groups, timer, config.share(), metadata);
        this.groupsById = groups;
        this.offsets = new GroupOffsets(groups, store, timer);
        this.admin = new GroupAdmin(groups, store, consumerRebalance, metadata);
        this.loader = new GroupLoader(groups, rebalance, consumerRebalance);
    }

    /**
     * Joins (or rejoins) a member. requireKnownMemberId is KIP-394's rule for JoinGroup v4+: a dynamic member
     * without an id is handed one with MEMBER_ID_REQUIRED and must join again with it.
     */
    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, String clientId,
                                                              String clientHost, boolean requireKnownMemberId) {
        if (groupsById.shareGroup(request.groupId()) != null) {
            return CompletableFuture.completedFuture(GroupResponses.joinError(request.memberId(),
                    Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        if (consumerRebalance.hasGroup(request.groupId())) {
            // An empty KIP-848 group becomes classic; one with members takes the classic member in (a mixed group).
            return consumerRebalance.giveWayToClassic(request.groupId()).thenCompose(free -> free
                    ? rebalance.joinGroup(request, clientId, clientHost, requireKnownMemberId)
                    : classicMembers.joinGroup(request, clientId, clientHost));
        }
        return rebalance.joinGroup(request, clientId, clientHost, requireKnownMemberId);
    }

    /** ConsumerGroupHeartbeat (KIP-848): join, heartbeat, leave; answered once the group's records are replicated. */
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            ConsumerGroupHeartbeatRequestData request, String clientId, String clientHost, short version) {
        return consumerRebalance.heartbeat(request, clientId, clientHost, version);
    }

    /** ShareGroupHeartbeat (KIP-932): join, heartbeat, leave a share group. */
    public CompletableFuture<ShareGroupHeartbeatResponseData> shareGroupHeartbeat(ShareGroupHeartbeatRequestData request,
                                                                                  String clientId, String clientHost) {
        return shareGroups.heartbeat(request, clientId, clientHost);
    }

    /** ShareGroupDescribe for one group: GROUP_ID_NOT_FOUND if there is no share group of that id. */
    public CompletableFuture<ShareGroupDescribeResponseData.DescribedGroup> describeShareGroup(String groupId) {
        return shareGroups.describe(groupId);
    }

    /** ConsumerGroupDescribe for one group: GROUP_ID_NOT_FOUND if there is no consumer group of that id. */
    public CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup> describeConsumerGroup(String groupId) {
        return admin.describeConsumerGroup(groupId);
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        return classicMembers.serves(request.groupId()) ? classicMembers.syncGroup(request)
                : rebalance.syncGroup(request);
    }

    public CompletableFuture<Errors> heartbeat(HeartbeatRequestData request) {
        return classicMembers.serves(request.groupId()) ? classicMembers.heartbeat(request)
                : rebalance.heartbeat(request);
    }

    /** Members leave (v3+ may name several, by member id or by group instance id); errors are per member. */
    public CompletableFuture<LeaveGroupResponseData> leaveGroup(String groupId, List<MemberIdentity> leaving) {
        return classicMembers.serves(groupId) ? classicMembers.leaveGroup(groupId, leaving)
                : rebalance.leaveGroup(groupId, leaving);
    }

    public CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request, short version) {
        return offsets.commitOffsets(request, version);
    }

    /** TxnOffsetCommit: offsets a producer's transaction commits, the group's once the transaction commits. */
    public CompletableFuture<TxnOffsetCommitResponseData> commitTransactionalOffsets(TxnOffsetCommitRequestData request) {
        return offsets.commitTransactionalOffsets(request);
    }

    /** Whether an undecided transaction commits an offset of the group's partition (OffsetFetch require_stable). */
    public boolean hasPendingTransactionalOffset(String groupId, TopicPartition tp) {
        return offsets.hasPendingTransactionalOffset(groupId, tp);
    }

    /** The group's committed offsets (OffsetFetch); throws the ApiException of a group not served here. */
    public Map<TopicPartition, CommittedOffset> committedOffsets(String groupId) {
        return offsets.committedOffsets(groupId);
    }

    /**
     * OffsetFetch v9+ from a KIP-848 member (a member id and epoch): NONE when it is the group's member at that
     * epoch (or the request names no member), else UNKNOWN_MEMBER_ID or STALE_MEMBER_EPOCH.
     */
    public CompletableFuture<Errors> validateOffsetFetch(String groupId, String memberId, int memberEpoch) {
        return offsets.validateOffsetFetch(groupId, memberId, memberEpoch);
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        return offsets.deleteOffsets(request);
    }

    public CompletableFuture<List<GroupListing>> listGroups() {
        return admin.listGroups();
    }

    /** DescribeGroups for one group, or null if there is no such group. */
    public CompletableFuture<DescribedGroup> describeGroup(String groupId) {
        return admin.describeGroup(groupId);
    }

    public CompletableFuture<Errors> deleteGroup(String groupId) {
        return admin.deleteGroup(groupId);
    }

    /** The group's state, for tests and tools; null if there is no such group. */
    public CompletableFuture<GroupState> groupState(String groupId) {
        return admin.groupState(groupId);
    }

    /** Whether the group has no members (so its offsets may expire). */
    public boolean hasNoMembers(String groupId) {
        return admin.hasNoMembers(groupId);
    }

    public int loadGroups(Collection<GroupMetadata> stored) {
        return loader.loadGroups(stored);
    }

    /** Takes over KIP-848 consumer groups from their stored records (group id to its latest records). */
    public int loadConsumerGroups(Map<String, List<ConsumerGroupRecord>> stored) {
        return loader.loadConsumerGroups(stored);
    }

    public int unloadGroups(Predicate<String> movedAway) {
        return loader.unloadGroups(movedAway);
    }

    /** Answers every waiting request with NOT_COORDINATOR (the broker is going away) and stops all timers. */
    @Override
    public void close() {
        loader.closeAll(CLOSE_TIMEOUT);
    }
}
