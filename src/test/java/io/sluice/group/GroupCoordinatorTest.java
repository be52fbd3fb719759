package io.sluice.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The classic group protocol as the coordinator implements it, driven request by request with a manual clock:
 * nothing here sleeps, time only passes when a test says so.
 */
@Timeout(10)
class GroupCoordinatorTest {
    private static final String GROUP = "orders-service";
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 30_000;
    private static final int INITIAL_DELAY_MS = 3_000;

    private final ManualGroupTimer timer = new ManualGroupTimer();
    private final InMemoryOffsetStore store = new InMemoryOffsetStore();
    private GroupCoordinator coordinator = new GroupCoordinator(store, timer, new GroupConfig(0, 1000, 60_000, 100));

    // ------------------------------------------------------------ joining

    @Test
    void aDynamicMemberWithoutIdIsToldToRejoinWithTheIdItIsGiven() {
        JoinGroupResponseData first = join("", null, subscription("orders")).join();

        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith("client-");
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.EMPTY);

        JoinGroupResponseData second = join(first.memberId(), null, subscription("orders")).join();
        assertThat(Errors.forCode(second.errorCode())).isEqualTo(Errors.NONE);
        assertThat(second.memberId()).isEqualTo(first.memberId());
    }

    @Test
    void beforeJoinGroupV4AMemberIsAdmittedWithoutTheExtraRoundTrip() {
        JoinGroupResponseData response = coordinator.joinGroup(joinRequest("", null, subscription("orders")),
                "client", "/127.0.0.1", false).join();

        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.NONE);
        assertThat(response.generationId()).isEqualTo(1);
    }

    @Test
    void theFirstMemberLeadsGenerationOneAndGetsTheAssignmentItSends() {
        String id = memberId();
        JoinGroupResponseData joined = join(id, null, subscription("orders")).join();

        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(id);
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(joined.protocolType()).isEqualTo("consumer");
        assertThat(joined.members()).extracting(JoinGroupResponseMember::memberId).containsExactly(id);
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.COMPLETING_REBALANCE);

        SyncGroupResponseData synced = sync(id, 1, Map.of(id, bytes("all-of-it"))).join();
        assertThat(Errors.forCode(synced.errorCode())).isEqualTo(Errors.NONE);
        assertThat(synced.assignment()).isEqualTo(bytes("all-of-it"));
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
    }

    @Test
    void aSecondMemberTriggersARebalanceTheFirstLearnsOfByHeartbeat() {
        String a = stableSingleMember();
        String b = memberId();

        CompletableFuture<JoinGroupResponseData> bJoin = join(b, null, subscription("orders"));
        assertThat(bJoin).isNotDone();
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(heartbeat(a, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

        CompletableFuture<JoinGroupResponseData> aJoin = join(a, null, subscription("orders"));
        JoinGroupResponseData leader = aJoin.join();
        JoinGroupResponseData follower = bJoin.join();
        assertThat(leader.generationId()).isEqualTo(2);
        assertThat(follower.generationId()).isEqualTo(2);
        assertThat(leader.leader()).isEqualTo(a).isEqualTo(follower.leader());
        assertThat(leader.members()).extracting(JoinGroupResponseMember::memberId).containsExactly(a, b);
        assertThat(follower.members()).isEmpty();
    }

    @Test
    void followersWaitForTheLeadersAssignment() {
        String[] ids = twoMembersJoined();
        String leader = ids[0];
        String follower = ids[1];

        CompletableFuture<SyncGroupResponseData> followerSync = sync(follower, 2, Map.of());
        assertThat(followerSync).isNotDone();

        SyncGroupResponseData leaderSync = sync(leader, 2, Map.of(leader, bytes("p0"), follower, bytes("p1"))).join();
        assertThat(leaderSync.assignment()).isEqualTo(bytes("p0"));
        assertThat(followerSync.join().assignment()).isEqualTo(bytes("p1"));
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
    }

    @Test
    void protocolIsChosenByVoteAmongThoseEveryMemberSupports() {
        coordinator = new GroupCoordinator(store, timer, new GroupConfig(INITIAL_DELAY_MS, 1000, 60_000, 100));
        String a = memberId();
        String b = memberId();
        String c = memberId();
        CompletableFuture<JoinGroupResponseData> aJoin = join(a, null, protocols("range", "roundrobin", "sticky"));
        join(b, null, protocols("roundrobin", "range"));
        join(c, null, protocols("sticky", "roundrobin"));
        timer.advance(INITIAL_DELAY_MS);
        timer.advance(INITIAL_DELAY_MS);

        assertThat(aJoin.join().protocolName()).isEqualTo("roundrobin");
    }

    @Test
    void aMemberSharingNoProtocolWithTheGroupIsRejected() {
        stableSingleMember();

        JoinGroupResponseData response = join(memberId(), null, protocols("other-assignor")).join();
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL);
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
    }

    @Test
    void sessionTimeoutsOutsideTheBrokerLimitsAreRefused() {
        JoinGroupRequestData request = joinRequest("", null, subscription("orders")).setSessionTimeoutMs(500);

        JoinGroupResponseData response = coordinator.joinGroup(request, "client", "/h", true).join();
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.INVALID_SESSION_TIMEOUT);
    }

    @Test
    void aMemberIdThatIsNeverUsedExpiresAfterTheSessionTimeout() {
        String a = stableSingleMember();
        String pending = join("", null, subscription("orders")).join().memberId();
        CompletableFuture<JoinGroupResponseData> rejoin = join(a, null, subscription("orders"));

        assertThat(rejoin).as("waits for the pending member").isNotDone();
        timer.advance(SESSION_MS);
        assertThat(rejoin.join().members()).extracting(JoinGroupResponseMember::memberId).containsExactly(a)
                .doesNotContain(pending);
    }

    // ------------------------------------------------------------ initial delay

    @Nested
    class InitialRebalanceDelay {
        InitialRebalanceDelay() {
            coordinator = new GroupCoordinator(store, timer, new GroupConfig(INITIAL_DELAY_MS, 1000, 60_000, 100));
        }

        @Test
        void theFirstRebalanceWaitsForTheDelayEvenWhenEveryoneHasJoined() {
            CompletableFuture<JoinGroupResponseData> joined = join(memberId(), null, subscription("orders"));

            timer.advance(INITIAL_DELAY_MS - 1);
            assertThat(joined).isNotDone();
            timer.advance(1);
            assertThat(joined.join().generationId()).isEqualTo(1);
        }

        @Test
        void membersArrivingDuringTheDelayExtendIt() {
            CompletableFuture<JoinGroupResponseData> first = join(memberId(), null, subscription("orders"));
            timer.advance(INITIAL_DELAY_MS - 1000);
            CompletableFuture<JoinGroupResponseData> second = join(memberId(), null, subscription("orders"));
            timer.advance(1000);
            assertThat(first).as("a member arrived, so the delay starts again").isNotDone();

            timer.advance(INITIAL_DELAY_MS);
            assertThat(first.join().members()).hasSize(2);
            assertThat(second.join().generationId()).isEqualTo(1);
        }

        @Test
        void theDelayNeverOutlastsTheRebalanceTimeout() {
            JoinGroupRequestData request = joinRequest(memberId(), null, subscription("orders"))
                    .setRebalanceTimeoutMs(4_000);
            CompletableFuture<JoinGroupResponseData> first = coordinator.joinGroup(request, "client", "/h", true);
            // A newcomer every 2.5 s would extend the delay forever; the rebalance timeout caps it.
            for (int i = 0; i < 3; i++) {
                timer.advance(2_500);
                join(memberId(), null, subscription("orders"));
            }
            assertThat(first).isDone();
        }
    }

    // ------------------------------------------------------------ timeouts and leaving

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAndTheRestRebalance() {
        String[] ids = stableTwoMembers();
        String survivor = ids[0];
        String silent = ids[1];

        timer.advance(SESSION_MS / 2);
        assertThat(heartbeat(survivor, 2)).isEqualTo(Errors.NONE);
        timer.advance(SESSION_MS / 2 - 1);
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
        timer.advance(1);
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(heartbeat(survivor, 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(heartbeat(silent, 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        JoinGroupResponseData rejoined = join(survivor, null, subscription("orders")).join();
        assertThat(rejoined.generationId()).isEqualTo(3);
        assertThat(rejoined.members()).extracting(JoinGroupResponseMember::memberId).containsExactly(survivor);
    }

    @Test
    void heartbeatsKeepAMemberAliveWellPastItsSessionTimeout() {
        String a = stableSingleMember();
        for (int i = 0; i < 10; i++) {
            timer.advance(SESSION_MS - 1);
            assertThat(heartbeat(a, 1)).isEqualTo(Errors.NONE);
        }
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
    }

    @Test
    void membersThatDoNotRejoinBeforeTheRebalanceTimeoutAreRemoved() {
        String[] ids = stableTwoMembers();
        String rejoiner = ids[1];
        String laggard = ids[0];

        CompletableFuture<JoinGroupResponseData> rejoin = join(rejoiner, null, subscription("orders", "payments"));
        // The laggard is alive (it heartbeats and is told to rejoin) but never does.
        for (int elapsed = 0; elapsed < REBALANCE_MS - 1000; elapsed += 1000) {
            timer.advance(1000);
            assertThat(heartbeat(laggard, 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        }
        timer.advance(999);
        assertThat(rejoin).isNotDone();
        timer.advance(1);

        JoinGroupResponseData response = rejoin.join();
        assertThat(response.generationId()).isEqualTo(3);
        assertThat(response.leader()).as("the old leader is gone, the remaining member leads").isEqualTo(rejoiner);
        assertThat(response.members()).extracting(JoinGroupResponseMember::memberId).containsExactly(rejoiner);
        assertThat(heartbeat(laggard, 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aLeavingMemberTriggersARebalanceAndTheLeaderRoleMovesOn() {
        String[] ids = stableTwoMembers();
        String leader = ids[0];
        String other = ids[1];

        LeaveGroupResponseData left = coordinator.leaveGroup(GROUP, List.of(new MemberIdentity().setMemberId(leader))).join();
        assertThat(left.members()).singleElement().satisfies(m -> assertThat(m.errorCode()).isZero());
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.PREPARING_REBALANCE);

        JoinGroupResponseData rejoined = join(other, null, subscription("orders")).join();
        assertThat(rejoined.leader()).isEqualTo(other);
        assertThat(rejoined.generationId()).isEqualTo(3);
    }

    @Test
    void whenTheLastMemberLeavesTheGroupIsEmptyWithANewGeneration() {
        String a = stableSingleMember();

        coordinator.leaveGroup(GROUP, List.of(new MemberIdentity().setMemberId(a))).join();

        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.EMPTY);
        assertThat(coordinator.describeGroup(GROUP).join().members()).isEmpty();
        assertThat(coordinator.describeGroup(GROUP).join().protocolType()).isEqualTo("consumer");
    }

    @Test
    void leavingMembersAreAnsweredOneByOne() {
        String a = stableSingleMember();

        LeaveGroupResponseData response = coordinator.leaveGroup(GROUP, List.of(
                new MemberIdentity().setMemberId("stranger"), new MemberIdentity().setMemberId(a))).join();
        assertThat(response.members()).extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.UNKNOWN_MEMBER_ID, Errors.NONE);
    }

    // ------------------------------------------------------------ sync and heartbeat errors

    @Test
    void syncGroupRejectsStrangersOldGenerationsAndRebalancingGroups() {
        String[] ids = twoMembersJoined();

        assertThat(syncError("stranger", 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(syncError(ids[1], 1)).isEqualTo(Errors.ILLEGAL_GENERATION);
        CompletableFuture<SyncGroupResponseData> waiting = sync(ids[1], 2, Map.of());
        join(memberId(), null, subscription("orders"));
        assertThat(Errors.forCode(waiting.join().errorCode()))
                .as("a rebalance while waiting for the assignment").isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        assertThat(syncError(ids[1], 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void heartbeatsFromStrangersAndOldGenerationsAreRejected() {
        String a = stableSingleMember();

        assertThat(heartbeat("stranger", 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat(a, 0)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(coordinator.heartbeat(new HeartbeatRequestData().setGroupId("nobody").setMemberId(a)
                .setGenerationId(1)).join()).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aMemberMayTriggerASecondRebalanceItself() {
        String[] ids = stableTwoMembers();

        // A cooperative-sticky member rejoins right after revoking partitions: its subscription now lists
        // fewer owned partitions.
        CompletableFuture<JoinGroupResponseData> again = join(ids[1], null, List.of(new JoinGroupRequestProtocol()
                .setName("range").setMetadata(bytesOf(ConsumerProtocol.serializeSubscription(new Subscription(
                        List.of("orders"), null, List.of(new TopicPartition("orders", 1))))))));
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(heartbeat(ids[0], 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        join(ids[0], null, subscription("orders"));
        assertThat(again.join().generationId()).isEqualTo(3);
        sync(ids[0], 3, Map.of(ids[0], bytes("a"), ids[1], bytes("b")));
        assertThat(sync(ids[1], 3, Map.of()).join().assignment()).isEqualTo(bytes("b"));
    }

    // ------------------------------------------------------------ static membership

    @Nested
    class StaticMembership {
        private String leaderId;
        private String staticId;

        StaticMembership() {
            leaderId = memberId();
            CompletableFuture<JoinGroupResponseData> staticJoin = join("", "instance-1", subscription("orders"));
            join(leaderId, null, subscription("orders"));
            JoinGroupResponseData joined = staticJoin.join();
            staticId = joined.memberId();
            assertThat(joined.generationId()).isEqualTo(1);
            String leader = joined.leader();
            String follower = leader.equals(staticId) ? leaderId : staticId;
            sync(leader, 1, Map.of(leaderId, bytes("dyn"), staticId, bytes("stat")));
            sync(follower, 1, Map.of()).join();
            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
        }

        @Test
        void aStaticMemberIsAdmittedWithoutTheMemberIdRoundTrip() {
            assertThat(staticId).startsWith("instance-1-");
            assertThat(coordinator.describeGroup(GROUP).join().members()).extracting(m -> m.groupInstanceId())
                    .contains("instance-1");
        }

        @Test
        void restartingWithTheSameSubscriptionKeepsTheAssignmentWithoutARebalance() {
            JoinGroupResponseData rejoined = join("", "instance-1", subscription("orders")).join();

            assertThat(Errors.forCode(rejoined.errorCode())).isEqualTo(Errors.NONE);
            assertThat(rejoined.memberId()).isNotEqualTo(staticId).startsWith("instance-1-");
            assertThat(rejoined.generationId()).isEqualTo(1);
            assertThat(rejoined.members()).isEmpty();
            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
            assertThat(sync(rejoined.memberId(), 1, Map.of()).join().assignment()).isEqualTo(bytes("stat"));
            assertThat(heartbeat(leaderId, 1)).isEqualTo(Errors.NONE);
        }

        @Test
        void theOldIncarnationIsFenced() {
            join("", "instance-1", subscription("orders")).join();

            assertThat(coordinator.heartbeat(new HeartbeatRequestData().setGroupId(GROUP).setMemberId(staticId)
                    .setGroupInstanceId("instance-1").setGenerationId(1)).join()).isEqualTo(Errors.FENCED_INSTANCE_ID);
            assertThat(Errors.forCode(join(staticId, "instance-1", subscription("orders")).join().errorCode()))
                    .isEqualTo(Errors.FENCED_INSTANCE_ID);
            LeaveGroupResponseData leave = coordinator.leaveGroup(GROUP, List.of(
                    new MemberIdentity().setMemberId(staticId).setGroupInstanceId("instance-1"))).join();
            assertThat(Errors.forCode(leave.members().get(0).errorCode())).isEqualTo(Errors.FENCED_INSTANCE_ID);
        }

        @Test
        void restartingWithADifferentSubscriptionRebalances() {
            CompletableFuture<JoinGroupResponseData> rejoined = join("", "instance-1", subscription("orders", "refunds"));

            assertThat(rejoined).isNotDone();
            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.PREPARING_REBALANCE);
        }

        @Test
        void aStaticMemberLeavesByInstanceId() {
            LeaveGroupResponseData leave = coordinator.leaveGroup(GROUP, List.of(
                    new MemberIdentity().setMemberId("").setGroupInstanceId("instance-1"))).join();

            assertThat(Errors.forCode(leave.members().get(0).errorCode())).isEqualTo(Errors.NONE);
            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.PREPARING_REBALANCE);
        }
    }

    // ------------------------------------------------------------ offsets

    @Test
    void aConsumerWithoutGroupManagementCommitsToAnEmptyGroup() {
        OffsetCommitResponseData response = commit(-1, "", 42, "note").join();

        assertThat(errors(response)).containsOnly(Errors.NONE);
        CommittedOffset stored = store.fetch(GROUP).get(new TopicPartition("orders", 0));
        assertThat(stored.offset()).isEqualTo(42);
        assertThat(stored.metadata()).isEqualTo("note");
        assertThat(stored.leaderEpoch()).isEqualTo(7);
        assertThat(stored.commitTimestamp()).isEqualTo(timer.nowMs());
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.EMPTY);
    }

    @Test
    void commitsAreCheckedAgainstMembershipAndGeneration() {
        String a = stableSingleMember();

        assertThat(errors(commit(1, a, 1, "").join())).containsOnly(Errors.NONE);
        assertThat(errors(commit(0, a, 1, "").join())).containsOnly(Errors.ILLEGAL_GENERATION);
        assertThat(errors(commit(1, "stranger", 1, "").join())).containsOnly(Errors.UNKNOWN_MEMBER_ID);
        assertThat(errors(commit(-1, "", 1, "").join()))
                .as("an outsider cannot commit for a group its members manage").containsOnly(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void commitsWaitForTheAssignmentWhileARebalanceCompletes() {
        String[] ids = twoMembersJoined();

        assertThat(errors(commit(2, ids[0], 5, "").join())).containsOnly(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void commitsWithAGenerationToAnUnknownGroupAreRefused() {
        assertThat(errors(commitRequest(3, "m", 1, ""), (short) 8)).containsOnly(Errors.ILLEGAL_GENERATION);
        assertThat(errors(commitRequest(3, "m", 1, ""), (short) 9)).containsOnly(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void oversizedMetadataIsRefusedAndAFailingStoreIsReportedAsRetriable() {
        assertThat(errors(commit(-1, "", 1, "x".repeat(GroupOffsets.MAX_OFFSET_METADATA_BYTES + 1)).join()))
                .containsOnly(Errors.OFFSET_METADATA_TOO_LARGE);
        store.failNextCommit();
        assertThat(errors(commit(-1, "", 1, "").join())).containsOnly(Errors.COORDINATOR_NOT_AVAILABLE);
    }

    @Test
    void offsetsOfTopicsTheActiveGroupConsumesCannotBeDeleted() {
        String a = stableSingleMember();
        commit(1, a, 10, "").join();
        store.commit(GROUP, Map.of(new TopicPartition("old-topic", 0), new CommittedOffset(3, -1, "", 0, -1))).join();

        OffsetDeleteResponseData response = coordinator.deleteOffsets(new OffsetDeleteRequestData().setGroupId(GROUP)
                .setTopics(new OffsetDeleteRequestTopicCollection(List.of(
                        deleteTopic("orders"), deleteTopic("old-topic")).iterator()))).join();

        assertThat(response.topics().find("orders").partitions().find(0).errorCode())
                .isEqualTo(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
        assertThat(response.topics().find("old-topic").partitions().find(0).errorCode()).isZero();
        assertThat(store.fetch(GROUP)).containsOnlyKeys(new TopicPartition("orders", 0));
    }

    @Test
    void offsetDeleteOnAnUnknownGroupIsGroupIdNotFound() {
        OffsetDeleteResponseData response = coordinator.deleteOffsets(new OffsetDeleteRequestData().setGroupId("none")
                .setTopics(new OffsetDeleteRequestTopicCollection(List.of(deleteTopic("orders")).iterator()))).join();
        assertThat(Errors.forCode(response.errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    // ------------------------------------------------------------ administration

    @Test
    void onlyEmptyGroupsCanBeDeletedAndTheirOffsetsGoWithThem() {
        String a = stableSingleMember();
        commit(1, a, 10, "").join();

        assertThat(coordinator.deleteGroup(GROUP).join()).isEqualTo(Errors.NON_EMPTY_GROUP);
        coordinator.leaveGroup(GROUP, List.of(new MemberIdentity().setMemberId(a))).join();
        assertThat(coordinator.deleteGroup(GROUP).join()).isEqualTo(Errors.NONE);
        assertThat(store.fetch(GROUP)).isEmpty();
        assertThat(coordinator.groupState(GROUP).join()).isNull();
        assertThat(coordinator.deleteGroup(GROUP).join()).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    }

    @Test
    void groupsThatOnlyHaveCommittedOffsetsAreListedAsEmpty() {
        store.commit("restored", Map.of(new TopicPartition("t", 0), new CommittedOffset(1, -1, "", 0, -1))).join();
        stableSingleMember();

        assertThat(coordinator.listGroups().join()).containsExactlyInAnyOrder(
                new GroupCoordinator.GroupListing("restored", "", "Empty", "classic"),
                new GroupCoordinator.GroupListing(GROUP, "consumer", "Stable", "classic"));
    }

    @Test
    void aStableGroupIsDescribedWithProtocolMembersAndAssignments() {
        String a = stableSingleMember();

        DescribedGroup described = coordinator.describeGroup(GROUP).join();
        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(described.protocolType()).isEqualTo("consumer");
        assertThat(described.protocolData()).isEqualTo("range");
        assertThat(described.members()).singleElement().satisfies(member -> {
            assertThat(member.memberId()).isEqualTo(a);
            assertThat(member.clientId()).isEqualTo("client");
            assertThat(member.clientHost()).isEqualTo("/127.0.0.1");
            assertThat(member.memberAssignment()).isEqualTo(bytes("all"));
            assertThat(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(member.memberMetadata())).topics())
                    .containsExactly("orders");
        });
        assertThat(coordinator.describeGroup("unknown").join()).isNull();
    }

    @Test
    void theStateTableRefusesImpossibleMoves() {
        ClassicGroup group = new ClassicGroup("g");
        assertThatThrownBy(() -> group.transitionTo(GroupState.STABLE)).isInstanceOf(IllegalStateException.class);
        group.transitionTo(GroupState.PREPARING_REBALANCE);
        assertThatThrownBy(() -> group.transitionTo(GroupState.STABLE)).isInstanceOf(IllegalStateException.class);
        group.transitionTo(GroupState.COMPLETING_REBALANCE);
        group.transitionTo(GroupState.STABLE);
        group.transitionTo(GroupState.DEAD);
        assertThatThrownBy(() -> group.transitionTo(GroupState.EMPTY)).isInstanceOf(IllegalStateException.class);
        assertThat(GroupState.fromKafkaName("completingrebalance")).isEqualTo(GroupState.COMPLETING_REBALANCE);
    }

    // ------------------------------------------------------------ stored group metadata

    @Nested
    class StoredGroupMetadata {
        @Test
        void aCompletedRebalanceIsStoredWithGenerationLeaderSubscriptionsAndAssignments() {
            String[] ids = stableTwoMembers();

            GroupMetadata stored = store.storedGroup(GROUP);
            assertThat(stored.generation()).isEqualTo(2);
            assertThat(stored.protocolType()).isEqualTo("consumer");
            assertThat(stored.protocol()).isEqualTo("range");
            assertThat(stored.leader()).isEqualTo(ids[0]);
            assertThat(stored.currentStateTimestamp()).isEqualTo(timer.nowMs());
            assertThat(stored.members()).extracting(GroupMetadata.Member::memberId).containsExactly(ids[0], ids[1]);
            GroupMetadata.Member follower = stored.members().get(1);
            assertThat(follower.assignment()).isEqualTo(bytes("p1"));
            assertThat(follower.subscription()).isEqualTo(subscription("orders").get(0).metadata());
            assertThat(follower.sessionTimeoutMs()).isEqualTo(SESSION_MS);
            assertThat(follower.rebalanceTimeoutMs()).isEqualTo(REBALANCE_MS);
            assertThat(follower.clientId()).isEqualTo("client");
            assertThat(follower.clientHost()).isEqualTo("/127.0.0.1");
        }

        @Test
        void theLeadersSyncGroupIsAnsweredOnlyOnceTheRecordIsStored() {
            String[] ids = twoMembersJoined();
            CompletableFuture<Void> replicated = store.holdNextGroupStore();
            CompletableFuture<SyncGroupResponseData> followerSync = sync(ids[1], 2, Map.of());
            CompletableFuture<SyncGroupResponseData> leaderSync =
                    sync(ids[0], 2, Map.of(ids[0], bytes("p0"), ids[1], bytes("p1")));

            assertThat(leaderSync).isNotDone();
            assertThat(followerSync).isNotDone();
            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.COMPLETING_REBALANCE);
            assertThat(heartbeat(ids[1], 2)).isEqualTo(Errors.NONE);

            replicated.complete(null);
            assertThat(leaderSync.join().assignment()).isEqualTo(bytes("p0"));
            assertThat(followerSync.join().assignment()).isEqualTo(bytes("p1"));
            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
        }

        @Test
        void aFailedStoreFailsTheSyncAsKafkaDoesAndTheGroupRebalances() {
            String[] ids = twoMembersJoined();
            store.failNextGroupStore();
            CompletableFuture<SyncGroupResponseData> followerSync = sync(ids[1], 2, Map.of());

            SyncGroupResponseData leaderSync = sync(ids[0], 2, Map.of(ids[0], bytes("p0"), ids[1], bytes("p1"))).join();

            assertThat(Errors.forCode(leaderSync.errorCode())).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
            assertThat(Errors.forCode(followerSync.join().errorCode())).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.PREPARING_REBALANCE);
            assertThat(store.storedGroup(GROUP).generation()).as("the last stored generation").isEqualTo(1);
        }

        @Test
        void storeFailuresMapToTheErrorsKafkaAnswers() {
            assertThat(GroupResponses.groupStoreError(new org.apache.kafka.common.errors.NotLeaderOrFollowerException("x")))
                    .isEqualTo(Errors.NOT_COORDINATOR);
            assertThat(GroupResponses.groupStoreError(new org.apache.kafka.common.errors.TimeoutException("x")))
                    .isEqualTo(Errors.REBALANCE_IN_PROGRESS);
            assertThat(GroupResponses.groupStoreError(new org.apache.kafka.common.errors.NotEnoughReplicasException("x")))
                    .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
            assertThat(GroupResponses.groupStoreError(new IllegalStateException("x")))
                    .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        }

        @Test
        void afterAReloadLiveMembersKeepTheirIdsGenerationAndAssignmentsWithoutARebalance() {
            String[] ids = stableTwoMembers();

            reloadIntoANewCoordinator();

            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
            assertThat(heartbeat(ids[0], 2)).isEqualTo(Errors.NONE);
            assertThat(heartbeat(ids[1], 2)).isEqualTo(Errors.NONE);
            assertThat(errors(commit(2, ids[1], 42, "").join())).containsExactly(Errors.NONE);
            assertThat(store.fetch(GROUP).get(new TopicPartition("orders", 0)).offset()).isEqualTo(42);
            assertThat(sync(ids[1], 2, Map.of()).join().assignment()).isEqualTo(bytes("p1"));
            for (int i = 0; i < 5; i++) {
                timer.advance(SESSION_MS - 1);
                assertThat(heartbeat(ids[0], 2)).isEqualTo(Errors.NONE);
                assertThat(heartbeat(ids[1], 2)).isEqualTo(Errors.NONE);
            }
            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
            DescribedGroup described = coordinator.describeGroup(GROUP).join();
            assertThat(described.protocolData()).isEqualTo("range");
            assertThat(described.members()).extracting(m -> m.memberId()).containsExactly(ids[0], ids[1]);
        }

        @Test
        void aMemberAbsentAfterTheReloadExpiresAndTheRestRebalance() {
            String[] ids = stableTwoMembers();
            String live = ids[1];

            reloadIntoANewCoordinator();
            timer.advance(SESSION_MS / 2);
            assertThat(heartbeat(live, 2)).isEqualTo(Errors.NONE);
            timer.advance(SESSION_MS / 2 - 1);
            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.STABLE);
            timer.advance(1);

            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.PREPARING_REBALANCE);
            assertThat(heartbeat(live, 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
            JoinGroupResponseData rejoined = join(live, null, subscription("orders")).join();
            assertThat(rejoined.generationId()).isEqualTo(3);
            assertThat(rejoined.leader()).isEqualTo(live);
            assertThat(rejoined.members()).extracting(JoinGroupResponseMember::memberId).containsExactly(live);
        }

        @Test
        void anEmptiedGroupIsStoredAndReloadsEmptyKeepingItsGeneration() {
            String id = stableSingleMember();
            coordinator.leaveGroup(GROUP, List.of(new MemberIdentity().setMemberId(id))).join();
            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.EMPTY);
            assertThat(store.storedGroup(GROUP).members()).isEmpty();
            assertThat(store.storedGroup(GROUP).generation()).isEqualTo(2);

            reloadIntoANewCoordinator();

            assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.EMPTY);
            assertThat(heartbeat(id, 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
            String next = memberId();
            assertThat(join(next, null, subscription("orders")).join().generationId()).isEqualTo(3);
        }

        @Test
        void deletingTheGroupRemovesItsStoredMetadata() {
            String id = stableSingleMember();
            coordinator.leaveGroup(GROUP, List.of(new MemberIdentity().setMemberId(id))).join();

            assertThat(coordinator.deleteGroup(GROUP).join()).isEqualTo(Errors.NONE);

            assertThat(store.storedGroup(GROUP)).isNull();
            reloadIntoANewCoordinator();
            assertThat(coordinator.groupState(GROUP).join()).isNull();
        }

        /** The old coordinator goes (its timers with it) and a new one loads what was stored, as after a failover. */
        private void reloadIntoANewCoordinator() {
            coordinator.close();
            coordinator = new GroupCoordinator(store, timer, new GroupConfig(0, 1000, 60_000, 100));
            coordinator.loadGroups(store.storedGroups(groupId -> true));
        }
    }

    // ------------------------------------------------------------ helpers

    /** A member id obtained the KIP-394 way. */
    private String memberId() {
        return join("", null, subscription("orders")).join().memberId();
    }

    private String stableSingleMember() {
        String id = memberId();
        join(id, null, subscription("orders")).join();
        sync(id, 1, Map.of(id, bytes("all"))).join();
        return id;
    }

    /** Generation 2 has just started with two members (the first leads); nobody has synced. */
    private String[] twoMembersJoined() {
        String a = stableSingleMember();
        String b = memberId();
        CompletableFuture<JoinGroupResponseData> bJoin = join(b, null, subscription("orders"));
        join(a, null, subscription("orders")).join();
        bJoin.join();
        return new String[] {a, b};
    }

    private String[] stableTwoMembers() {
        String[] ids = twoMembersJoined();
        sync(ids[0], 2, Map.of(ids[0], bytes("p0"), ids[1], bytes("p1"))).join();
        sync(ids[1], 2, Map.of()).join();
        return ids;
    }

    private CompletableFuture<JoinGroupResponseData> join(String memberId, String instanceId,
                                                          List<JoinGroupRequestProtocol> protocols) {
        return coordinator.joinGroup(joinRequest(memberId, instanceId, protocols), "client", "/127.0.0.1", true);
    }

    private static JoinGroupRequestData joinRequest(String memberId, String instanceId,
                                                    List<JoinGroupRequestProtocol> protocols) {
        return new JoinGroupRequestData().setGroupId(GROUP).setMemberId(memberId).setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(REBALANCE_MS).setProtocolType("consumer")
                .setProtocols(new JoinGroupRequestProtocolCollection(protocols.iterator()));
    }

    private static List<JoinGroupRequestProtocol> subscription(String... topics) {
        byte[] metadata = bytesOf(ConsumerProtocol.serializeSubscription(new Subscription(List.of(topics))));
        return List.of(new JoinGroupRequestProtocol().setName("range").setMetadata(metadata));
    }

    private static List<JoinGroupRequestProtocol> protocols(String... names) {
        List<JoinGroupRequestProtocol> protocols = new ArrayList<>();
        for (String name : names) {
            protocols.add(new JoinGroupRequestProtocol().setName(name).setMetadata(bytes(name)));
        }
        return protocols;
    }

    private CompletableFuture<SyncGroupResponseData> sync(String memberId, int generation, Map<String, byte[]> assignments) {
        SyncGroupRequestData request = new SyncGroupRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setGenerationId(generation);
        assignments.forEach((id, assignment) ->
                request.assignments().add(new SyncGroupRequestAssignment().setMemberId(id).setAssignment(assignment)));
        return coordinator.syncGroup(request);
    }

    private Errors syncError(String memberId, int generation) {
        return Errors.forCode(sync(memberId, generation, Map.of()).join().errorCode());
    }

    private Errors heartbeat(String memberId, int generation) {
        return coordinator.heartbeat(new HeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setGenerationId(generation)).join();
    }

    private CompletableFuture<OffsetCommitResponseData> commit(int generation, String memberId, long offset,
                                                               String metadata) {
        return coordinator.commitOffsets(commitRequest(generation, memberId, offset, metadata), (short) 9);
    }

    private static OffsetCommitRequestData commitRequest(int generation, String memberId, long offset, String metadata) {
        return new OffsetCommitRequestData().setGroupId(GROUP).setGenerationIdOrMemberEpoch(generation)
                .setMemberId(memberId).setTopics(List.of(new OffsetCommitRequestTopic().setName("orders")
                        .setPartitions(List.of(new OffsetCommitRequestPartition().setPartitionIndex(0)
                                .setCommittedOffset(offset).setCommittedLeaderEpoch(7).setCommittedMetadata(metadata)))));
    }

    private List<Errors> errors(OffsetCommitRequestData request, short version) {
        return errors(coordinator.commitOffsets(request, version).join());
    }

    private static List<Errors> errors(OffsetCommitResponseData response) {
        return response.topics().stream().flatMap(t -> t.partitions().stream())
                .map(p -> Errors.forCode(p.errorCode())).toList();
    }

    private static OffsetDeleteRequestTopic deleteTopic(String name) {
        OffsetDeleteRequestTopic topic = new OffsetDeleteRequestTopic().setName(name);
        topic.partitions().add(new OffsetDeleteRequestPartition().setPartitionIndex(0));
        return topic;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
