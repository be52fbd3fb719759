package io.sluice.group.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.coordinator.CoordinatorLeadership;
import io.sluice.coordinator.CoordinatorOwnership;
import io.sluice.coordinator.PartitionWriter;
import io.sluice.partition.ReplicaManager;
import io.sluice.testing.TestReplicas;
import io.sluice.config.BrokerConfig;
import io.sluice.group.CommittedOffset;
import io.sluice.group.GroupConfig;
import io.sluice.group.GroupCoordinator;
import io.sluice.group.ManualGroupTimer;
import io.sluice.log.LogManager;
import io.sluice.testing.ManualTime;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coordination follows the leadership of the offsets partitions: a partition led here is loaded from its log
 * (its groups answer COORDINATOR_LOAD_IN_PROGRESS meanwhile), one led elsewhere is unloaded at once. The loader is
 * a real single thread; the tests wait for it by queueing behind it, never by sleeping.
 */
@Timeout(20)
class CoordinatorLeadershipTest {
    private static final int PARTITIONS = 4;
    private static final String GROUP = "inventory";
    private static final int GROUP_PARTITION = OffsetsTopic.partitionFor(GROUP, PARTITIONS);
    private static final TopicPartition STOCK_0 = new TopicPartition("stock", 0);
    private static final int OTHER_NODE = 2;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final ManualGroupTimer timer = new ManualGroupTimer();
    private final OffsetsTestMetadata metadata = new OffsetsTestMetadata();
    private final CoordinatorOwnership ownership = new CoordinatorOwnership();
    private final ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor();
    private LogManager logs;
    private LogOffsetStore store;
    private GroupCoordinator coordinator;

    @BeforeEach
    void start() {
        Map<String, String> defaults = BrokerConfig.of(Map.of("log.dirs", dir.toString())).topicDefaults();
        logs = new LogManager(List.of(dir), defaults, 300_000, time);
        logs.startup();
        ReplicaManager partitions = TestReplicas.replicaManager(OffsetsTestMetadata.NODE_ID, logs, defaults);
        metadata.addListener(partitions);
        store = new LogOffsetStore(metadata, PartitionWriter.of(partitions), PARTITIONS, 60_000, null, time, Runnable::run);
        store.ensureTopic((short) 1);
        coordinator = new GroupCoordinator(store, timer, new GroupConfig(0, 1000, 60_000, 100), ownership::errorFor,
                Runnable::run);
    }

    @AfterEach
    void stop() {
        loader.shutdownNow();
        store.close();
        logs.shutdown();
    }

    private CoordinatorLeadership followLeadership() {
        CoordinatorLeadership leadership = GroupCoordination.leadership(OffsetsTestMetadata.NODE_ID, store, ownership,
                coordinator, loader);
        metadata.addListener(leadership);
        return leadership;
    }

    /** Returns once every task queued on the loader so far has run. */
    private void awaitLoader() throws Exception {
        loader.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    private Errors commit(long offset) {
        OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId(GROUP).setGenerationIdOrMemberEpoch(-1)
                .setMemberId("").setTopics(List.of(new OffsetCommitRequestTopic().setName(STOCK_0.topic())
                        .setPartitions(List.of(new OffsetCommitRequestPartition().setPartitionIndex(0)
                                .setCommittedOffset(offset)))));
        return Errors.forCode(coordinator.commitOffsets(request, (short) 8).join().topics().get(0).partitions().get(0)
                .errorCode());
    }

    @Test
    void aPartitionLedHereIsLoadingUntilItsLogIsReplayedThenServed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        loader.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        followLeadership();

        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(commit(5)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);

        release.countDown();
        awaitLoader();

        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.NONE);
        assertThat(commit(5)).isEqualTo(Errors.NONE);
        assertThat(coordinator.committedOffsets(GROUP).get(STOCK_0).offset()).isEqualTo(5);
    }

    @Test
    void losingLeadershipUnloadsAtOnceAndSendsWaitingMembersAway() throws Exception {
        followLeadership();
        awaitLoader();
        assertThat(commit(7)).isEqualTo(Errors.NONE);
        CompletableFuture<JoinGroupResponseData> first = join(join("").join().memberId());
        assertThat(Errors.forCode(first.join().errorCode())).isEqualTo(Errors.NONE);
        // A second member makes the group rebalance; its JoinGroup waits for the first member to rejoin.
        CompletableFuture<JoinGroupResponseData> waiting = join(join("").join().memberId());
        assertThat(waiting).isNotDone();

        metadata.moveLeader(OffsetsTopic.NAME, GROUP_PARTITION, OTHER_NODE, 4);

        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(Errors.forCode(waiting.join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(commit(8)).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(store.isLoaded(GROUP_PARTITION)).isFalse();
        assertThat(store.fetch(GROUP)).as("the unloaded partition's offsets are forgotten").isEmpty();
        assertThat(store.groups()).doesNotContain(GROUP);
    }

    @Test
    void leadingAgainReplaysWhatTheOtherLeaderWrote() throws Exception {
        followLeadership();
        awaitLoader();
        assertThat(commit(7)).isEqualTo(Errors.NONE);
        metadata.moveLeader(OffsetsTopic.NAME, GROUP_PARTITION, OTHER_NODE, 4);
        // As a follower this node copies what the other leader appended: a later commit of the group.
        CommittedOffset later = new CommittedOffset(70, 4, "", 1, -1);
        logs.get(new TopicPartition(OffsetsTopic.NAME, GROUP_PARTITION)).append(MemoryRecords.withRecords(
                Compression.NONE, new SimpleRecord(1, OffsetRecordCodec.encodeKey(GROUP, STOCK_0),
                        OffsetRecordCodec.encodeValue(later))), 4);

        metadata.moveLeader(OffsetsTopic.NAME, GROUP_PARTITION, OffsetsTestMetadata.NODE_ID, 5);
        awaitLoader();

        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.NONE);
        assertThat(ownership.leaderEpoch(GROUP_PARTITION)).isEqualTo(5);
        assertThat(coordinator.committedOffsets(GROUP)).containsEntry(STOCK_0, later);
    }

    @Test
    void aLoadOvertakenByALeadershipChangeLeavesNothingServed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        loader.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        followLeadership();
        metadata.moveLeader(OffsetsTopic.NAME, GROUP_PARTITION, OTHER_NODE, 4);

        release.countDown();
        awaitLoader();

        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(store.isLoaded(GROUP_PARTITION)).isFalse();
        int another = (GROUP_PARTITION + 1) % PARTITIONS;
        assertThat(store.isLoaded(another)).as("partitions still led here are loaded").isTrue();
    }

    private CompletableFuture<JoinGroupResponseData> join(String memberId) {
        JoinGroupRequestData request = new JoinGroupRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(30_000).setProtocolType("consumer")
                .setProtocols(new JoinGroupRequestProtocolCollection(List.of(
                        new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0])).iterator()));
        return coordinator.joinGroup(request, "client", "/127.0.0.1", true);
    }
}
