package io.sluice.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.consumer.ConsumerGroupRecord;
import io.sluice.group.consumer.ConsumerGroupState;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * KIP-848's consumer group protocol on the coordinator alone: members join and get a broker-computed assignment,
 * partitions move only after their owner revoked them, sessions and revocation deadlines fence members, static
 * members come back without a rebalance, regular expressions pick up new topics, and a new coordinator rebuilds the
 * group from its records.
 */
class ConsumerGroupProtocolTest {
    private static final String GROUP = "g";
    private static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");
    private static final Uuid OTHER_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAg");
    private static final short VERSION = 1;

    private final InMemoryOffsetStore store = new InMemoryOffsetStore();
    private final ManualGroupTimer timer = new ManualGroupTimer();
    private final AtomicReference<MetadataImage> image = new AtomicReference<>(image(Map.of("t", 6)));
    private GroupCoordinator coordinator = coordinator();

    private GroupCoordinator coordinator() {
        return new GroupCoordinator(store, timer, new GroupConfig(0, 1000, 60_000, 100), GroupOwnership.ALL,
                Runnable::run, image::get);
    }

    private static MetadataImage image(Map<String, Integer> topics) {
        Map<String, TopicImage> byName = new HashMap<>();
        Map<Uuid, TopicImage> byId = new HashMap<>();
        for (Map.Entry<String, Integer> topic : topics.entrySet()) {
            Uuid id = topic.getKey().equals("t") ? TOPIC_ID : topic.getKey().equals("other") ? OTHER_ID
                    : new Uuid(7, topic.getKey().hashCode());
            TreeMap<Integer, PartitionImage> partitions = new TreeMap<>();
            for (int p = 0; p < topic.getValue(); p++) {
                partitions.put(p, new PartitionImage(p, List.of(1), List.of(1), 1, 0, 0));
            }
            TopicImage value = new TopicImage(topic.getKey(), id, partitions, Map.of());
            byName.put(topic.getKey(), value);
            byId.put(id, value);
        }
        return new MetadataImage(topics.size(), "cluster", Map.of(), byName, byId, 0);
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData request) throws Exception {
        return coordinator.consumerGroupHeartbeat(request.setGroupId(GROUP), "client", "/127.0.0.1", VERSION)
                .get(5, TimeUnit.SECONDS);
    }

    private static ConsumerGroupHeartbeatRequestData join(String memberId, List<String> topics) {
        return new ConsumerGroupHeartbeatRequestData().setMemberId(memberId).setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000).setSubscribedTopicNames(topics).setTopicPartitions(List.of());
    }

    private static ConsumerGroupHeartbeatRequestData beat(String memberId, int epoch, Set<Integer> owned) {
        return new ConsumerGroupHeartbeatRequestData().setMemberId(memberId).setMemberEpoch(epoch)
                .setTopicPartitions(owned == null ? null : List.of(
                        new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(TOPIC_ID)
                                .setPartitions(new ArrayList<>(owned))));
    }

    private static Set<Integer> partitionsOf(ConsumerGroupHeartbeatResponseData response) {
        assertThat(response.errorCode()).as(response.errorMessage()).isEqualTo(Errors.NONE.code());
        Set<Integer> partitions = new HashSet<>();
        if (response.assignment() != null) {
            response.assignment().topicPartitions().forEach(tp -> partitions.addAll(tp.partitions()));
        }
        return partitions;
    }

    private ConsumerGroupDescribeResponseData.DescribedGroup describe() throws Exception {
        return coordinator.describeConsumerGroup(GROUP).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aJoiningMemberGetsEveryPartitionAndTheGroupIsStable() throws Exception {
        ConsumerGroupHeartbeatResponseData joined = heartbeat(join("m1", List.of("t")));
        assertThat(joined.memberEpoch()).isEqualTo(1);
        assertThat(partitionsOf(joined)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(joined.heartbeatIntervalMs()).isEqualTo(5000);

        ConsumerGroupDescribeResponseData.DescribedGroup described = describe();
        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(described.groupEpoch()).isEqualTo(1);
        assertThat(described.assignmentEpoch()).isEqualTo(1);
        assertThat(described.assignorName()).isEqualTo("uniform");
        assertThat(store.storedConsumerGroups(GROUP::equals).get(GROUP))
                .anyMatch(r -> r instanceof ConsumerGroupRecord.GroupEpoch epoch && epoch.epoch() == 1);
    }

    @Test
    void aPartitionMovesOnlyAfterItsOwnerRevokedIt() throws Exception {
        heartbeat(join("m1", List.of("t")));
        ConsumerGroupHeartbeatResponseData second = heartbeat(join("m2", List.of("t")));
        // m1 still owns everything: m2 joins the new epoch with nothing yet.
        assertThat(second.memberEpoch()).isEqualTo(2);
        assertThat(partitionsOf(second)).isEmpty();
        assertThat(describe().groupState()).isEqualTo("Reconciling");
        // While the group reconciles its members check in sooner, so released partitions move on quickly.
        assertThat(second.heartbeatIntervalMs()).isEqualTo(250);

        // m1 is asked to revoke half, staying at its epoch until it has.
        ConsumerGroupHeartbeatResponseData revoke = heartbeat(beat("m1", 1, Set.of(0, 1, 2, 3, 4, 5)));
        assertThat(revoke.memberEpoch()).isEqualTo(1);
        Set<Integer> kept = partitionsOf(revoke);
        assertThat(kept).hasSize(3);

        // m2 still waits: the partitions are not released.
        assertThat(partitionsOf(heartbeat(beat("m2", 2, Set.of())))).isEmpty();

        ConsumerGroupHeartbeatResponseData revoked = heartbeat(beat("m1", 1, kept));
        assertThat(revoked.memberEpoch()).isEqualTo(2);
        Set<Integer> others = partitionsOf(heartbeat(beat("m2", 2, Set.of())));
        assertThat(others).hasSize(3).doesNotContainAnyElementsOf(kept);
        assertThat(heartbeat(beat("m2", 2, others)).heartbeatIntervalMs()).isEqualTo(5000);
        assertThat(describe().groupState()).isEqualTo("Stable");
    }

    @Test
    void aMemberThatDoesNotRevokeInTimeIsFenced() throws Exception {
        heartbeat(join("m1", List.of("t")).setRebalanceTimeoutMs(10_000));
        heartbeat(join("m2", List.of("t")));
        heartbeat(beat("m1", 1, Set.of(0, 1, 2, 3, 4, 5)));
        timer.advance(10_000);
        assertThat(describe().members()).extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .containsExactly("m2");
        assertThat(heartbeat(beat("m1", 1, Set.of())).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(partitionsOf(heartbeat(beat("m2", 2, Set.of())))).hasSize(6);
    }

    @Test
    void aSilentMemberIsRemovedWhenItsSessionEnds() throws Exception {
        heartbeat(join("m1", List.of("t")));
        timer.advance(44_000);
        heartbeat(beat("m1", 1, Set.of(0, 1, 2, 3, 4, 5)));
        timer.advance(44_000);
        assertThat(describe().members()).hasSize(1);
        timer.advance(1_000);
        assertThat(describe().members()).isEmpty();
        assertThat(describe().groupState()).isEqualTo("Empty");
    }

    @Test
    void aStaleEpochIsFencedAndALostAnswerIsForgiven() throws Exception {
        heartbeat(join("m1", List.of("t")));
        assertThat(heartbeat(beat("m1", 7, Set.of())).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
        heartbeat(join("m2", List.of("t")));
        heartbeat(beat("m1", 1, Set.of(0, 1, 2, 3, 4, 5)));
        ConsumerGroupHeartbeatResponseData moved = heartbeat(beat("m1", 1, Set.of(0, 1, 2)));
        // The member missed that answer (epoch 2) and retries with epoch 1, owning nothing it should not.
        assertThat(moved.memberEpoch()).isEqualTo(2);
        assertThat(heartbeat(beat("m1", 1, partitionsOf(moved))).errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void aStaticMemberComesBackUnderANewIdWithItsPartitionsAndNoNewEpoch() throws Exception {
        heartbeat(join("m1", List.of("t")).setInstanceId("i1"));
        ConsumerGroupHeartbeatResponseData left = heartbeat(beat("m1", -2, null).setInstanceId("i1"));
        assertThat(left.memberEpoch()).isEqualTo(-2);
        int epochBefore = describe().groupEpoch();

        ConsumerGroupHeartbeatResponseData back = heartbeat(join("m1-again", List.of("t")).setInstanceId("i1"));
        assertThat(back.memberEpoch()).isEqualTo(1);
        assertThat(partitionsOf(back)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
        assertThat(describe().groupEpoch()).isEqualTo(epochBefore);
        assertThat(describe().members()).extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .containsExactly("m1-again");

        ConsumerGroupHeartbeatResponseData twin = heartbeat(join("m1-twin", List.of("t")).setInstanceId("i1"));
        assertThat(twin.errorCode()).isEqualTo(Errors.UNRELEASED_INSTANCE_ID.code());
    }

    @Test
    void aRegularExpressionPicksUpATopicCreatedLater() throws Exception {
        ConsumerGroupHeartbeatRequestData regex = new ConsumerGroupHeartbeatRequestData().setMemberId("m1")
                .setMemberEpoch(0).setRebalanceTimeoutMs(30_000).setSubscribedTopicRegex("o.*")
                .setTopicPartitions(List.of());
        ConsumerGroupHeartbeatResponseData joined = heartbeat(regex);
        assertThat(partitionsOf(joined)).isEmpty();

        image.set(image(Map.of("t", 6, "other", 2)));
        ConsumerGroupHeartbeatResponseData next = heartbeat(new ConsumerGroupHeartbeatRequestData().setMemberId("m1")
                .setMemberEpoch(joined.memberEpoch()).setTopicPartitions(List.of()));
        assertThat(next.memberEpoch()).isGreaterThan(joined.memberEpoch());
        assertThat(next.assignment().topicPartitions()).singleElement().satisfies(tp -> {
            assertThat(tp.topicId()).isEqualTo(OTHER_ID);
            assertThat(tp.partitions()).containsExactlyInAnyOrder(0, 1);
        });

        ConsumerGroupHeartbeatResponseData invalid = heartbeat(new ConsumerGroupHeartbeatRequestData()
                .setMemberId("m2").setMemberEpoch(0).setRebalanceTimeoutMs(1).setSubscribedTopicRegex("(")
                .setTopicPartitions(List.of()));
        assertThat(invalid.errorCode()).isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
    }

    @Test
    void requestsAreValidatedAsKafkaDoes() throws Exception {
        assertThat(heartbeat(join("", List.of("t"))).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(heartbeat(join("m1", List.of("t")).setRebalanceTimeoutMs(-1)).errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(heartbeat(join("m1", List.of("t")).setServerAssignor("sticky")).errorCode())
                .isEqualTo(Errors.UNSUPPORTED_ASSIGNOR.code());
        assertThat(heartbeat(beat("nobody", 3, Set.of())).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void aGroupConfigOverridesTheBrokersSessionTimeoutAndHeartbeatInterval() throws Exception {
        MetadataImage plain = image.get();
        image.set(new MetadataImage(plain.offset(), plain.clusterId(), plain.brokers(), plain.topicsByName(),
                plain.topicsById(), 0, Map.of(GROUP, Map.of("consumer.session.timeout.ms", "50000",
                        "consumer.heartbeat.interval.ms", "7000"))));
        assertThat(heartbeat(join("m1", List.of("t"))).heartbeatIntervalMs()).isEqualTo(7000);
        timer.advance(49_000);
        assertThat(describe().members()).hasSize(1);
        timer.advance(1_000);
        assertThat(describe().members()).isEmpty();
    }

    @Test
    void theRangeAssignorIsUsedWhenMembersAskForIt() throws Exception {
        heartbeat(join("m1", List.of("t")).setServerAssignor("range"));
        assertThat(describe().assignorName()).isEqualTo("range");
    }

    @Test
    void offsetsAreCommittedWithTheMemberEpoch() throws Exception {
        heartbeat(join("m1", List.of("t")));
        assertThat(commit("m1", 1, (short) 9)).isEqualTo(Errors.NONE);
        assertThat(commit("m1", 0, (short) 9)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(commit("stranger", 1, (short) 9)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit("", -1, (short) 9)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(coordinator.validateOffsetFetch(GROUP, "m1", 0).get()).isEqualTo(Errors.STALE_MEMBER_EPOCH);
        assertThat(coordinator.validateOffsetFetch(GROUP, "m1", 1).get()).isEqualTo(Errors.NONE);
    }

    private Errors commit(String memberId, int epoch, short version) throws Exception {
        OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(epoch);
        request.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName("t").setPartitions(
                List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition().setPartitionIndex(0)
                        .setCommittedOffset(5))));
        return Errors.forCode(coordinator.commitOffsets(request, version).get(5, TimeUnit.SECONDS).topics().get(0)
                .partitions().get(0).errorCode());
    }

    @Test
    void aNewCoordinatorRebuildsTheGroupFromItsRecordsWithoutARebalance() throws Exception {
        heartbeat(join("m1", List.of("t")));
        heartbeat(join("m2", List.of("t")));
        Set<Integer> kept = partitionsOf(heartbeat(beat("m1", 1, Set.of(0, 1, 2, 3, 4, 5))));
        heartbeat(beat("m1", 1, kept));
        Set<Integer> others = partitionsOf(heartbeat(beat("m2", 2, Set.of())));
        heartbeat(beat("m2", 2, others));
        ConsumerGroupDescribeResponseData.DescribedGroup before = describe();

        coordinator = coordinator();
        coordinator.loadConsumerGroups(store.storedConsumerGroups(g -> true));
        ConsumerGroupDescribeResponseData.DescribedGroup after = describe();
        assertThat(after.groupEpoch()).isEqualTo(before.groupEpoch());
        assertThat(after.groupState()).isEqualTo(ConsumerGroupState.STABLE.kafkaName());
        assertThat(after.members()).containsExactlyInAnyOrderElementsOf(before.members());
        // The members heartbeat on at their epoch, keeping what they own.
        ConsumerGroupHeartbeatResponseData resumed = heartbeat(beat("m1", 2, kept));
        assertThat(resumed.memberEpoch()).isEqualTo(2);
        assertThat(resumed.errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void aLeavingMemberFreesItsPartitionsAndAnEmptyGroupCanBeDeleted() throws Exception {
        heartbeat(join("m1", List.of("t")));
        heartbeat(join("m2", List.of("t")));
        assertThat(heartbeat(beat("m1", -1, null)).memberEpoch()).isEqualTo(-1);
        assertThat(partitionsOf(heartbeat(beat("m2", 2, Set.of())))).hasSize(6);
        assertThat(coordinator.deleteGroup(GROUP).get()).isEqualTo(Errors.NON_EMPTY_GROUP);
        heartbeat(beat("m2", -1, null));
        assertThat(coordinator.listGroups().get()).singleElement().satisfies(listing -> {
            assertThat(listing.type()).isEqualTo("consumer");
            assertThat(listing.state()).isEqualTo("Empty");
        });
        assertThat(coordinator.deleteGroup(GROUP).get()).isEqualTo(Errors.NONE);
        assertThat(describe().errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(store.storedConsumerGroups(g -> true)).isEmpty();
    }

    private static JoinGroupRequestData classicJoin(String memberId, List<org.apache.kafka.common.TopicPartition> owned) {
        ByteBuffer subscription = ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of("t"), null, owned));
        byte[] bytes = new byte[subscription.remaining()];
        subscription.get(bytes);
        JoinGroupRequestData join = new JoinGroupRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setProtocolType("consumer").setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000);
        join.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(bytes));
        return join;
    }

    private JoinGroupResponseData classicJoinNow(JoinGroupRequestData join) throws Exception {
        return coordinator.joinGroup(join, "client", "/127.0.0.1", false).get(5, TimeUnit.SECONDS);
    }

    private Set<Integer> classicSync(String memberId, int generation) throws Exception {
        SyncGroupResponseData sync = coordinator.syncGroup(new SyncGroupRequestData().setGroupId(GROUP)
                .setMemberId(memberId).setGenerationId(generation).setProtocolType("consumer")
                .setProtocolName("range")).get(5, TimeUnit.SECONDS);
        assertThat(sync.errorCode()).isEqualTo(Errors.NONE.code());
        Set<Integer> partitions = new HashSet<>();
        ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(sync.assignment())).partitions()
                .forEach(tp -> partitions.add(tp.partition()));
        return partitions;
    }

    private Errors classicHeartbeat(String memberId, int generation) throws Exception {
        return coordinator.heartbeat(new HeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setGenerationId(generation)).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aClassicMemberJoinsAConsumerGroupAndAnEmptyConsumerGroupBecomesClassic() throws Exception {
        heartbeat(join("m1", List.of("t")));
        JoinGroupResponseData joined = classicJoinNow(classicJoin("", List.of()));
        assertThat(joined.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(joined.leader()).isEmpty();
        String classicId = joined.memberId();
        // m1 owns everything: the classic member waits for what m1 releases.
        assertThat(classicSync(classicId, joined.generationId())).isEmpty();
        assertThat(classicHeartbeat(classicId, joined.generationId())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        Set<Integer> kept = partitionsOf(heartbeat(beat("m1", 1, Set.of(0, 1, 2, 3, 4, 5))));
        heartbeat(beat("m1", 1, kept));
        JoinGroupResponseData rejoined = classicJoinNow(classicJoin(classicId, List.of()));
        Set<Integer> classicPartitions = classicSync(classicId, rejoined.generationId());
        assertThat(classicPartitions).hasSize(3).doesNotContainAnyElementsOf(kept);
        assertThat(classicHeartbeat(classicId, rejoined.generationId())).isEqualTo(Errors.NONE);
        assertThat(describe().members()).extracting(ConsumerGroupDescribeResponseData.Member::memberType)
                .containsExactlyInAnyOrder((byte) 0, (byte) 1);

        // The last consumer-protocol member leaves: the group is classic again and its member rejoins.
        heartbeat(beat("m1", -1, null));
        assertThat(describe().errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(coordinator.groupState(GROUP).get()).isEqualTo(GroupState.PREPARING_REBALANCE);
        assertThat(store.storedConsumerGroups(g -> true)).isEmpty();
        assertThat(classicHeartbeat(classicId, rejoined.generationId())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    }

    @Test
    void aStableClassicGroupBecomesAConsumerGroupWhenAConsumerProtocolMemberJoins() throws Exception {
        JoinGroupResponseData joined = classicJoinNow(classicJoin("", List.of()));
        String classicId = joined.memberId();
        SyncGroupRequestData leaderSync = new SyncGroupRequestData().setGroupId(GROUP).setMemberId(classicId)
                .setGenerationId(joined.generationId()).setProtocolType("consumer").setProtocolName("range");
        List<org.apache.kafka.common.TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            all.add(new org.apache.kafka.common.TopicPartition("t", p));
        }
        ByteBuffer assignment = ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(all));
        byte[] assignmentBytes = new byte[assignment.remaining()];
        assignment.get(assignmentBytes);
        leaderSync.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(classicId)
                .setAssignment(assignmentBytes));
        assertThat(coordinator.syncGroup(leaderSync).get(5, TimeUnit.SECONDS).errorCode()).isZero();
        assertThat(coordinator.groupState(GROUP).get()).isEqualTo(GroupState.STABLE);

        ConsumerGroupHeartbeatResponseData modern = heartbeat(join("m2", List.of("t")));
        assertThat(modern.errorCode()).isEqualTo(Errors.NONE.code());
        ConsumerGroupDescribeResponseData.DescribedGroup described = describe();
        assertThat(described.members()).hasSize(2);
        assertThat(described.groupEpoch()).isEqualTo(joined.generationId() + 1);
        // The classic member keeps consuming until asked to revoke, then rejoins reporting what it still owns.
        assertThat(classicHeartbeat(classicId, joined.generationId())).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        JoinGroupResponseData rejoin = classicJoinNow(classicJoin(classicId, all));
        Set<Integer> kept = classicSync(classicId, rejoin.generationId());
        assertThat(kept).hasSize(3);
        List<org.apache.kafka.common.TopicPartition> stillOwned = new ArrayList<>();
        kept.forEach(p -> stillOwned.add(new org.apache.kafka.common.TopicPartition("t", p)));
        JoinGroupResponseData revoked = classicJoinNow(classicJoin(classicId, stillOwned));
        assertThat(revoked.generationId()).isEqualTo(described.groupEpoch());
        assertThat(partitionsOf(heartbeat(beat("m2", modern.memberEpoch(), Set.of())))).hasSize(3)
                .doesNotContainAnyElementsOf(kept);
    }

    @Test
    void aMemberInAStateThisVersionDoesNotKnowIsFencedAndItsRemovalWritten() throws Exception {
        store.storeConsumerGroupRecords(GROUP, List.of(new ConsumerGroupRecord.GroupEpoch(GROUP, 3),
                new ConsumerGroupRecord.TargetAssignmentEpoch(GROUP, 3),
                new ConsumerGroupRecord.MemberMetadata(GROUP, "m1", null, null, "client", "/127.0.0.1", List.of("t"),
                        null, 30_000, null, null),
                new ConsumerGroupRecord.TargetAssignmentMember(GROUP, "m1", Map.of(TOPIC_ID, Set.of(0))),
                new ConsumerGroupRecord.CurrentMemberAssignment(GROUP, "m1", 3, 2,
                        io.sluice.group.consumer.MemberState.UNKNOWN, Map.of(TOPIC_ID, Set.of(0)), Map.of()))).get();
        coordinator.loadConsumerGroups(store.storedConsumerGroups(g -> true));

        assertThat(heartbeat(beat("m1", 3, Set.of(0))).errorCode()).isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
        assertThat(describe().members()).isEmpty();
        assertThat(store.storedConsumerGroups(GROUP::equals).get(GROUP))
                .noneMatch(record -> "m1".equals(record.memberId()));
    }

    @Test
    void aFailedWriteIsUndone() throws Exception {
        heartbeat(join("m1", List.of("t")));
        store.failNextGroupStore();
        assertThat(heartbeat(join("m2", List.of("t"))).errorCode())
                .isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(describe().members()).extracting(ConsumerGroupDescribeResponseData.Member::memberId)
                .containsExactly("m1");
        assertThat(describe().groupEpoch()).isEqualTo(1);
    }
}
