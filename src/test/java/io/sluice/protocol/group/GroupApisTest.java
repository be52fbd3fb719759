package io.sluice.protocol.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.controller.Controller;
import io.sluice.group.GroupConfig;
import io.sluice.group.GroupCoordinator;
import io.sluice.group.InMemoryOffsetStore;
import io.sluice.group.ManualGroupTimer;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.group.offsets.OffsetsTopic;
import io.sluice.network.ClientConnection;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.ApiRegistry;
import io.sluice.protocol.RequestContext;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every group API at every version it is registered for: requests go through the wire encoding, handlers run,
 * and responses are written at the request's version and read back, so a field the version lacks can never
 * break a response.
 */
class GroupApisTest {
    private static final String GROUP = "g1";
    private static final Uuid OFFSETS_TOPIC_ID = Uuid.randomUuid();

    private final ManualGroupTimer timer = new ManualGroupTimer();
    private final InMemoryOffsetStore store = new InMemoryOffsetStore();
    private final GroupCoordinator coordinator = new GroupCoordinator(store, timer, new GroupConfig(0, 1000, 60_000, 10));
    private final ApiRegistry registry = new ApiRegistry();
    private final TwoBrokers metadata = new TwoBrokers();
    private final java.util.concurrent.atomic.AtomicInteger transactionTopicRequests =
            new java.util.concurrent.atomic.AtomicInteger();

    GroupApisTest() {
        GroupApis.register(registry, coordinator, metadata, transactionTopicRequests::incrementAndGet,
                (id, producer, epoch, tp) -> java.util.concurrent.CompletableFuture.completedFuture(Errors.NONE),
                true);
    }

    static IntStream findCoordinatorVersions() {
        return IntStream.rangeClosed(0, 6);
    }

    static IntStream joinGroupVersions() {
        return IntStream.rangeClosed(0, 9);
    }

    static IntStream offsetCommitVersions() {
        return IntStream.rangeClosed(2, 9);
    }

    static IntStream offsetFetchVersions() {
        return IntStream.rangeClosed(1, 9);
    }

    static IntStream listGroupsVersions() {
        return IntStream.rangeClosed(0, 5);
    }

    static IntStream describeGroupsVersions() {
        return IntStream.rangeClosed(0, 6);
    }

    static IntStream deleteGroupsVersions() {
        return IntStream.rangeClosed(0, 2);
    }

    @Test
    void registersEveryGroupApiWithItsVersionRange() {
        Map<ApiKeys, int[]> expected = Map.ofEntries(Map.entry(ApiKeys.FIND_COORDINATOR, new int[] {0, 6}),
                Map.entry(ApiKeys.JOIN_GROUP, new int[] {0, 9}), Map.entry(ApiKeys.SYNC_GROUP, new int[] {0, 5}),
                Map.entry(ApiKeys.HEARTBEAT, new int[] {0, 4}), Map.entry(ApiKeys.LEAVE_GROUP, new int[] {0, 5}),
                Map.entry(ApiKeys.OFFSET_COMMIT, new int[] {2, 9}), Map.entry(ApiKeys.OFFSET_FETCH, new int[] {1, 9}),
                Map.entry(ApiKeys.LIST_GROUPS, new int[] {0, 5}), Map.entry(ApiKeys.DESCRIBE_GROUPS, new int[] {0, 6}),
                Map.entry(ApiKeys.DELETE_GROUPS, new int[] {0, 2}), Map.entry(ApiKeys.OFFSET_DELETE, new int[] {0, 0}),
                Map.entry(ApiKeys.TXN_OFFSET_COMMIT, new int[] {0, 5}),
                Map.entry(ApiKeys.CONSUMER_GROUP_HEARTBEAT, new int[] {0, 1}),
                Map.entry(ApiKeys.CONSUMER_GROUP_DESCRIBE, new int[] {0, 1}));
        assertThat(registry.entries()).hasSize(expected.size());
        expected.forEach((key, range) -> {
            assertThat(registry.get(key).minVersion()).as(key.name).isEqualTo((short) range[0]);
            assertThat(registry.get(key).maxVersion()).as(key.name).isEqualTo((short) range[1]);
        });
    }

    @Test
    void theConsumerProtocolIsNotAdvertisedWhenTheRebalanceProtocolsLeaveItOut() {
        ApiRegistry classicOnly = new ApiRegistry();
        GroupApis.register(classicOnly, coordinator, metadata, () -> { },
                (id, producer, epoch, tp) -> java.util.concurrent.CompletableFuture.completedFuture(Errors.NONE),
                false);
        assertThat(classicOnly.get(ApiKeys.CONSUMER_GROUP_HEARTBEAT)).isNull();
        assertThat(classicOnly.get(ApiKeys.CONSUMER_GROUP_DESCRIBE)).isNull();
        assertThat(classicOnly.get(ApiKeys.JOIN_GROUP)).isNotNull();
    }

    /** The broker leading the group's offsets partition in {@link TwoBrokers}. */
    private static int leaderOf(String groupId) {
        return OffsetsTopic.partitionFor(groupId, TwoBrokers.OFFSETS_PARTITIONS) % 2 == 0 ? 1 : 2;
    }

    @ParameterizedTest
    @MethodSource("findCoordinatorVersions")
    void findCoordinatorNamesTheLeaderOfTheGroupsOffsetsPartitionAndAsksForTheTransactionTopic(int version) {
        List<String> groups = List.of("g1", "g2", "g3", "g4", "g5", "g6");
        assertThat(groups.stream().map(GroupApisTest::leaderOf).distinct()).as("both brokers coordinate some")
                .containsExactlyInAnyOrder(1, 2);
        if (version >= 4) {
            FindCoordinatorResponseData response = call(ApiKeys.FIND_COORDINATOR,
                    new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(groups), version);
            assertThat(response.coordinators()).hasSize(groups.size()).allSatisfy(c -> {
                int leader = leaderOf(c.key());
                assertThat(c.errorCode()).isZero();
                assertThat(c.nodeId()).isEqualTo(leader);
                assertThat(c.host()).isEqualTo("broker" + leader);
                assertThat(c.port()).isEqualTo(9091 + leader);
            });
        } else {
            for (String group : groups) {
                FindCoordinatorResponseData response = call(ApiKeys.FIND_COORDINATOR,
                        new FindCoordinatorRequestData().setKey(group), version);
                int leader = leaderOf(group);
                assertThat(response.errorCode()).isZero();
                assertThat(response.nodeId()).isEqualTo(leader);
                assertThat(response.host()).isEqualTo("broker" + leader);
                assertThat(response.port()).isEqualTo(9091 + leader);
            }
        }
        if (version >= 1) {
            FindCoordinatorRequestData txn = version >= 4
                    ? new FindCoordinatorRequestData().setKeyType((byte) 1).setCoordinatorKeys(List.of("tx"))
                    : new FindCoordinatorRequestData().setKey("tx").setKeyType((byte) 1);
            FindCoordinatorResponseData refused = call(ApiKeys.FIND_COORDINATOR, txn, version);
            short error = version >= 4 ? refused.coordinators().get(0).errorCode() : refused.errorCode();
            // __transaction_state does not exist in this metadata: the client retries while it is created.
            assertThat(Errors.forCode(error)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
            assertThat(transactionTopicRequests).hasValue(1);
        }
    }

    @ParameterizedTest
    @MethodSource("findCoordinatorVersions")
    void findCoordinatorNamesNobodyBeforeTheOffsetsTopicExists(int version) {
        metadata.withoutOffsetsTopic = true;
        FindCoordinatorRequestData request = version >= 4
                ? new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(List.of(GROUP))
                : new FindCoordinatorRequestData().setKey(GROUP);
        FindCoordinatorResponseData response = call(ApiKeys.FIND_COORDINATOR, request, version);
        short error = version >= 4 ? response.coordinators().get(0).errorCode() : response.errorCode();
        int nodeId = version >= 4 ? response.coordinators().get(0).nodeId() : response.nodeId();
        assertThat(Errors.forCode(error)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(nodeId).isEqualTo(-1);
    }

    @ParameterizedTest
    @MethodSource("joinGroupVersions")
    void aWholeMembershipRoundTripsAtEveryVersion(int joinVersion) {
        int syncVersion = Math.min(joinVersion, 5);
        int heartbeatVersion = Math.min(joinVersion, 4);
        int leaveVersion = Math.min(joinVersion, 5);
        JoinGroupResponseData joined = call(ApiKeys.JOIN_GROUP, joinRequest("", null), joinVersion);
        if (joinVersion >= 4) {
            assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
            joined = call(ApiKeys.JOIN_GROUP, joinRequest(joined.memberId(), null), joinVersion);
        }
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        String memberId = joined.memberId();
        assertThat(memberId).startsWith("test-client-");
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(joined.leader()).isEqualTo(memberId);
        assertThat(joined.members()).singleElement().satisfies(m -> assertThat(m.metadata()).isEqualTo(bytes("meta")));

        SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId(GROUP).setMemberId(memberId).setGenerationId(1);
        sync.assignments().add(new SyncGroupRequestAssignment().setMemberId(memberId).setAssignment(bytes("mine")));
        SyncGroupResponseData synced = call(ApiKeys.SYNC_GROUP, sync, syncVersion);
        assertThat(Errors.forCode(synced.errorCode())).isEqualTo(Errors.NONE);
        assertThat(synced.assignment()).isEqualTo(bytes("mine"));

        HeartbeatResponseData beat = call(ApiKeys.HEARTBEAT,
                new HeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId).setGenerationId(1), heartbeatVersion);
        assertThat(Errors.forCode(beat.errorCode())).isEqualTo(Errors.NONE);
        HeartbeatResponseData stale = call(ApiKeys.HEARTBEAT,
                new HeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId).setGenerationId(0), heartbeatVersion);
        assertThat(Errors.forCode(stale.errorCode())).isEqualTo(Errors.ILLEGAL_GENERATION);

        JoinGroupResponseData failed = call(ApiKeys.JOIN_GROUP, joinRequest("stranger", null), joinVersion);
        assertThat(Errors.forCode(failed.errorCode())).isEqualTo(Errors.UNKNOWN_MEMBER_ID);

        LeaveGroupRequestData leave = leaveVersion >= 3
                ? new LeaveGroupRequestData().setGroupId(GROUP).setMembers(List.of(new MemberIdentity().setMemberId(memberId)))
                : new LeaveGroupRequestData().setGroupId(GROUP).setMemberId(memberId);
        LeaveGroupResponseData left = call(ApiKeys.LEAVE_GROUP, leave, leaveVersion);
        assertThat(left.errorCode()).isZero();
        LeaveGroupResponseData again = call(ApiKeys.LEAVE_GROUP, leave, leaveVersion);
        Errors second = leaveVersion >= 3 ? Errors.forCode(again.members().get(0).errorCode()) : Errors.forCode(again.errorCode());
        assertThat(second).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void staticMembersRoundTripWithTheirInstanceIds() {
        JoinGroupResponseData joined = call(ApiKeys.JOIN_GROUP, joinRequest("", "instance-1"), 9);
        assertThat(joined.members()).singleElement().satisfies(m -> assertThat(m.groupInstanceId()).isEqualTo("instance-1"));
        LeaveGroupResponseData left = call(ApiKeys.LEAVE_GROUP, new LeaveGroupRequestData().setGroupId(GROUP)
                .setMembers(List.of(new MemberIdentity().setMemberId("wrong-id").setGroupInstanceId("instance-1"))), 5);
        assertThat(Errors.forCode(left.members().get(0).errorCode())).isEqualTo(Errors.FENCED_INSTANCE_ID);
    }

    @ParameterizedTest
    @MethodSource("offsetCommitVersions")
    void offsetsCommittedAtEachVersionAreFetchedBack(int version) {
        OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId(GROUP)
                .setTopics(List.of(new OffsetCommitRequestTopic().setName("orders").setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(12)
                                .setCommittedLeaderEpoch(version >= 6 ? 3 : -1).setCommittedMetadata("m")))));
        OffsetCommitResponseData committed = call(ApiKeys.OFFSET_COMMIT, commit, version);
        assertThat(committed.topics().get(0).partitions().get(0).errorCode()).isZero();

        int fetchVersion = Math.min(version, 7);
        OffsetFetchResponseData fetched = call(ApiKeys.OFFSET_FETCH, new OffsetFetchRequestData().setGroupId(GROUP)
                .setTopics(List.of(new OffsetFetchRequestTopic().setName("orders").setPartitionIndexes(List.of(0, 1)))),
                fetchVersion);
        assertThat(fetched.topics().get(0).partitions()).hasSize(2);
        assertThat(fetched.topics().get(0).partitions().get(0).committedOffset()).isEqualTo(12);
        assertThat(fetched.topics().get(0).partitions().get(0).metadata()).isEqualTo("m");
        assertThat(fetched.topics().get(0).partitions().get(1).committedOffset()).isEqualTo(-1);
    }

    @ParameterizedTest
    @MethodSource("offsetFetchVersions")
    void offsetFetchAnswersOneGroupOrManyAndAllPartitionsForNullTopics(int version) {
        store.commit(GROUP, Map.of(new org.apache.kafka.common.TopicPartition("orders", 2),
                new io.sluice.group.CommittedOffset(7, 4, "meta", 0, -1))).join();
        if (version < 8) {
            OffsetFetchRequestData request = new OffsetFetchRequestData().setGroupId(GROUP)
                    .setTopics(version >= 2 ? null : List.of(new OffsetFetchRequestTopic().setName("orders")
                            .setPartitionIndexes(List.of(2))));
            OffsetFetchResponseData response = call(ApiKeys.OFFSET_FETCH, request, version);
            assertThat(response.topics()).singleElement().satisfies(t -> {
                assertThat(t.name()).isEqualTo("orders");
                assertThat(t.partitions().get(0).committedOffset()).isEqualTo(7);
                assertThat(t.partitions().get(0).committedLeaderEpoch()).isEqualTo(version >= 5 ? 4 : -1);
            });
            return;
        }
        OffsetFetchRequestData request = new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestGroup().setGroupId(GROUP).setTopics(null),
                new OffsetFetchRequestGroup().setGroupId("other").setTopics(List.of(
                        new OffsetFetchRequestTopics().setName("orders").setPartitionIndexes(List.of(0))))));
        OffsetFetchResponseData response = call(ApiKeys.OFFSET_FETCH, request, version);
        assertThat(response.groups()).hasSize(2);
        assertThat(response.groups().get(0).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(7);
        assertThat(response.groups().get(0).topics().get(0).partitions().get(0).committedLeaderEpoch()).isEqualTo(4);
        assertThat(response.groups().get(1).groupId()).isEqualTo("other");
        assertThat(response.groups().get(1).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(-1);
    }

    @ParameterizedTest
    @MethodSource("listGroupsVersions")
    void listGroupsFiltersByStateAndType(int version) {
        stableMember();
        ListGroupsResponseData all = call(ApiKeys.LIST_GROUPS, new ListGroupsRequestData(), version);
        assertThat(all.groups()).singleElement().satisfies(g -> {
            assertThat(g.groupId()).isEqualTo(GROUP);
            assertThat(g.protocolType()).isEqualTo("consumer");
        });
        if (version >= 4) {
            assertThat(all.groups().get(0).groupState()).isEqualTo("Stable");
            ListGroupsResponseData empty = call(ApiKeys.LIST_GROUPS,
                    new ListGroupsRequestData().setStatesFilter(List.of("Empty")), version);
            assertThat(empty.groups()).isEmpty();
            ListGroupsResponseData stable = call(ApiKeys.LIST_GROUPS,
                    new ListGroupsRequestData().setStatesFilter(List.of("stable")), version);
            assertThat(stable.groups()).hasSize(1);
        }
        if (version >= 5) {
            assertThat(all.groups().get(0).groupType()).isEqualTo("classic");
            ListGroupsResponseData consumerType = call(ApiKeys.LIST_GROUPS,
                    new ListGroupsRequestData().setTypesFilter(List.of("consumer")), version);
            assertThat(consumerType.groups()).isEmpty();
            ListGroupsResponseData classic = call(ApiKeys.LIST_GROUPS,
                    new ListGroupsRequestData().setTypesFilter(List.of("Classic")), version);
            assertThat(classic.groups()).hasSize(1);
        }
    }

    @ParameterizedTest
    @MethodSource("describeGroupsVersions")
    void describeGroupsShowsMembersAndReportsUnknownGroupsAsKafkaDoes(int version) {
        String memberId = stableMember();
        DescribeGroupsResponseData response = call(ApiKeys.DESCRIBE_GROUPS, new DescribeGroupsRequestData()
                .setGroups(List.of(GROUP, "missing")).setIncludeAuthorizedOperations(version >= 3), version);

        DescribedGroup described = response.groups().get(0);
        assertThat(described.groupState()).isEqualTo("Stable");
        assertThat(described.protocolData()).isEqualTo("range");
        assertThat(described.members()).singleElement().satisfies(m -> {
            assertThat(m.memberId()).isEqualTo(memberId);
            assertThat(m.clientId()).isEqualTo("test-client");
            assertThat(m.clientHost()).isEqualTo("/127.0.0.1");
            assertThat(m.memberAssignment()).isEqualTo(bytes("mine"));
        });
        if (version >= 3) {
            assertThat(described.authorizedOperations()).isEqualTo(DescribeGroupsHandler.ALL_GROUP_OPERATIONS);
        }
        DescribedGroup missing = response.groups().get(1);
        if (version >= 6) {
            assertThat(Errors.forCode(missing.errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
            assertThat(missing.errorMessage()).contains("missing");
        } else {
            assertThat(missing.errorCode()).isZero();
            assertThat(missing.groupState()).isEqualTo("Dead");
        }
    }

    @ParameterizedTest
    @MethodSource("deleteGroupsVersions")
    void deleteGroupsAnswersPerGroup(int version) {
        stableMember();
        store.commit("idle", Map.of(new org.apache.kafka.common.TopicPartition("t", 0),
                new io.sluice.group.CommittedOffset(1, -1, "", 0, -1))).join();

        DeleteGroupsResponseData response = call(ApiKeys.DELETE_GROUPS,
                new DeleteGroupsRequestData().setGroupsNames(List.of(GROUP, "idle", "never")), version);
        assertThat(Errors.forCode(response.results().find(GROUP).errorCode())).isEqualTo(Errors.NON_EMPTY_GROUP);
        assertThat(Errors.forCode(response.results().find("idle").errorCode())).isEqualTo(Errors.NONE);
        assertThat(Errors.forCode(response.results().find("never").errorCode())).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
        assertThat(store.groups()).doesNotContain("idle");
    }

    @Test
    void offsetDeleteRoundTrips() {
        store.commit("idle", Map.of(new org.apache.kafka.common.TopicPartition("t", 0),
                new io.sluice.group.CommittedOffset(1, -1, "", 0, -1))).join();
        OffsetDeleteRequestTopic topic = new OffsetDeleteRequestTopic().setName("t");
        topic.partitions().add(new OffsetDeleteRequestPartition().setPartitionIndex(0));
        OffsetDeleteResponseData response = call(ApiKeys.OFFSET_DELETE, new OffsetDeleteRequestData().setGroupId("idle")
                .setTopics(new OffsetDeleteRequestTopicCollection(List.of(topic).iterator())), 0);
        assertThat(response.errorCode()).isZero();
        assertThat(response.topics().find("t").partitions().find(0).errorCode()).isZero();
        assertThat(store.fetch("idle")).isEmpty();
    }

    // ------------------------------------------------------------ helpers

    private String stableMember() {
        JoinGroupResponseData joined = call(ApiKeys.JOIN_GROUP, joinRequest("", null), 3);
        SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId(GROUP).setMemberId(joined.memberId())
                .setGenerationId(joined.generationId());
        sync.assignments().add(new SyncGroupRequestAssignment().setMemberId(joined.memberId()).setAssignment(bytes("mine")));
        call(ApiKeys.SYNC_GROUP, sync, 3);
        return joined.memberId();
    }

    private static JoinGroupRequestData joinRequest(String memberId, String instanceId) {
        return new JoinGroupRequestData().setGroupId(GROUP).setMemberId(memberId).setGroupInstanceId(instanceId)
                .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000).setProtocolType("consumer")
                .setProtocols(new JoinGroupRequestProtocolCollection(List.of(
                        new JoinGroupRequestProtocol().setName("range").setMetadata(bytes("meta"))).iterator()));
    }

    /** Encodes the request at the version, runs its handler, and returns the response as a client would read it. */
    @SuppressWarnings("unchecked")
    private <T extends ApiMessage> T call(ApiKeys key, ApiMessage data, int version) {
        ByteBuffer encoded = flipped(MessageUtil.toByteBufferAccessor(data, (short) version).buffer());
        AbstractRequest request = AbstractRequest.parseRequest(key, (short) version, new ByteBufferAccessor(encoded)).request;
        RequestContext context = new RequestContext(new RequestHeader(key, (short) version, "test-client", 1),
                new ClientConnection("c1", "PLAINTEXT", new InetSocketAddress("127.0.0.1", 50_000)));
        CompletableFuture<? extends ApiMessage> future =
                ((ApiHandler<AbstractRequest>) registry.get(key).handler()).handle(context, request);
        assertThat(future).succeedsWithin(Duration.ofSeconds(5));
        ApiMessage response = future.join();
        ByteBuffer written = flipped(MessageUtil.toByteBufferAccessor(response, (short) version).buffer());
        ApiMessage read = key.messageType.newResponse();
        read.read(new ByteBufferAccessor(written), (short) version);
        return (T) read;
    }

    private static ByteBuffer flipped(ByteBuffer buffer) {
        if (buffer.position() != 0) {
            buffer.flip();
        }
        return buffer;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Metadata with this node registered as broker1:9092. */
    /**
     * Brokers 1 and 2; __consumer_offsets has OFFSETS_PARTITIONS partitions, the even ones led by broker 1 and the
     * odd ones by broker 2 (or none at all when withoutOffsetsTopic is set).
     */
    private static final class TwoBrokers implements MetadataService {
        static final int OFFSETS_PARTITIONS = 4;
        boolean withoutOffsetsTopic;

        @Override
        public MetadataImage image() {
            Map<Integer, BrokerImage> brokers = Map.of(1, new BrokerImage(1, "broker1", 9092, null, false),
                    2, new BrokerImage(2, "broker2", 9093, null, false));
            if (withoutOffsetsTopic) {
                return new MetadataImage(1, "cluster", brokers, Map.of(), Map.of(), 0);
            }
            TreeMap<Integer, PartitionImage> partitions = new TreeMap<>();
            for (int p = 0; p < OFFSETS_PARTITIONS; p++) {
                int leader = p % 2 == 0 ? 1 : 2;
                partitions.put(p, new PartitionImage(p, List.of(1, 2), List.of(1, 2), leader, 5, 0));
            }
            TopicImage offsets = new TopicImage(OffsetsTopic.NAME, OFFSETS_TOPIC_ID, partitions, Map.of());
            return new MetadataImage(1, "cluster", brokers, Map.of(OffsetsTopic.NAME, offsets),
                    Map.of(OFFSETS_TOPIC_ID, offsets), 0);
        }

        @Override
        public void addListener(MetadataListener listener) {
        }

        @Override
        public Controller controller() {
            return null;
        }

        @Override
        public void close() {
        }
    }
}
