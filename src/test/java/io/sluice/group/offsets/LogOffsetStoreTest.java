package io.sluice.group.offsets;

import io.sluice.coordinator.PartitionWriter;
import io.sluice.testing.ManualTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.partition.ReplicaManager;
import io.sluice.testing.TestReplicas;
import io.sluice.config.BrokerConfig;
import io.sluice.group.CommittedOffset;
import io.sluice.group.GroupMetadata;
import io.sluice.log.Log;
import io.sluice.log.LogManager;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogOffsetStoreTest {
    private static final int PARTITIONS = 5;
    private static final long RETENTION_MS = 60_000;
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition PAYMENTS_0 = new TopicPartition("payments", 0);

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final Set<String> activeGroups = new HashSet<>();
    private OffsetsTestMetadata metadata;
    private LogManager logs;
    private ReplicaManager partitions;
    private LogOffsetStore store;

    @BeforeEach
    void startBroker() {
        metadata = new OffsetsTestMetadata();
        openLogs();
        store = newStore();
        store.ensureTopic((short) 1);
        store.load();
    }

    @AfterEach
    void stopBroker() {
        store.close();
        logs.shutdown();
    }

    private void openLogs() {
        Map<String, String> defaults = BrokerConfig.of(Map.of("log.dirs", dir.toString())).topicDefaults();
        logs = new LogManager(List.of(dir), defaults, 300_000, time);
        logs.startup();
        partitions = TestReplicas.replicaManager(OffsetsTestMetadata.NODE_ID, logs, defaults);
        metadata.addListener(partitions);
    }

    private LogOffsetStore newStore() {
        return new LogOffsetStore(metadata, PartitionWriter.of(partitions), PARTITIONS, RETENTION_MS,
                group -> !activeGroups.contains(group), time, Runnable::run);
    }

    /** A clean broker restart: logs closed and reopened from disk, a fresh store loaded from them. */
    private void restart() {
        store.close();
        logs.shutdown();
        openLogs();
        store = newStore();
        store.ensureTopic((short) 1);
        store.load();
    }

    private static CommittedOffset at(long offset, long commitTimestamp) {
        return new CommittedOffset(offset, 2, "meta-" + offset, commitTimestamp, -1);
    }

    private Log offsetsLog(String groupId) {
        return logs.get(new TopicPartition(OffsetsTopic.NAME, OffsetsTopic.partitionFor(groupId, PARTITIONS)));
    }

    @Test
    void ensureTopicCreatesACompactedTopicOnce() {
        TopicImage topic = metadata.image().topic(OffsetsTopic.NAME);

        assertThat(topic.partitions()).hasSize(PARTITIONS);
        assertThat(topic.configs()).containsEntry("cleanup.policy", "compact").containsEntry("segment.bytes", "104857600");
        assertThat(metadata.createdTopics).containsExactly(
                "__consumer_offsets 5 1 {cleanup.policy=compact, segment.bytes=104857600}");
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(logs.get(new TopicPartition(OffsetsTopic.NAME, p))).isNotNull();
        }

        newStore().ensureTopic((short) 1);

        assertThat(metadata.createdTopics).hasSize(1);
    }

    @Test
    void fetchReturnsWhatWasCommitted() {
        Map<TopicPartition, CommittedOffset> commit = Map.of(ORDERS_0, at(10, 100), PAYMENTS_0,
                new CommittedOffset(7, -1, null, 100, -1));

        store.commit("g1", commit).join();

        assertThat(store.fetch("g1")).isEqualTo(commit);
        assertThat(store.fetch("other")).isEmpty();
        assertThat(store.groups()).containsExactly("g1");
    }

    @Test
    void aCommitIsOneBatchInTheGroupsPartition() throws Exception {
        Log log = offsetsLog("g1");
        long before = log.logEndOffset();

        store.commit("g1", Map.of(ORDERS_0, at(1, 1), ORDERS_1, at(2, 1), PAYMENTS_0, at(3, 1))).join();

        assertThat(log.logEndOffset()).isEqualTo(before + 3);
        List<RecordBatch> batches = new ArrayList<>();
        var slice = log.read(before, Integer.MAX_VALUE, true).slice();
        var buffer = java.nio.ByteBuffer.allocate(slice.size());
        slice.channel().read(buffer, slice.position());
        buffer.flip();
        MemoryRecords.readableRecords(buffer).batches().forEach(batches::add);
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0).partitionLeaderEpoch()).isEqualTo(3);
        assertThat(batches.get(0).maxTimestamp()).isEqualTo(time.milliseconds());
    }

    @Test
    void aLaterCommitOverwritesOnlyItsPartitions() {
        store.commit("g1", Map.of(ORDERS_0, at(10, 100), ORDERS_1, at(20, 100))).join();

        store.commit("g1", Map.of(ORDERS_0, at(15, 200))).join();

        assertThat(store.fetch("g1")).isEqualTo(Map.of(ORDERS_0, at(15, 200), ORDERS_1, at(20, 100)));
    }

    @Test
    void deleteRemovesOnlyTheGivenPartitions() {
        store.commit("g1", Map.of(ORDERS_0, at(10, 100), ORDERS_1, at(20, 100), PAYMENTS_0, at(5, 100))).join();

        store.delete("g1", Set.of(ORDERS_1, PAYMENTS_0)).join();

        assertThat(store.fetch("g1")).isEqualTo(Map.of(ORDERS_0, at(10, 100)));
    }

    @Test
    void deletingOffsetsThatDoNotExistWritesNothing() {
        store.commit("g1", Map.of(ORDERS_0, at(10, 100))).join();
        long end = offsetsLog("g1").logEndOffset();

        store.delete("g1", Set.of(PAYMENTS_0)).join();
        store.deleteGroup("never-committed").join();

        assertThat(offsetsLog("g1").logEndOffset()).isEqualTo(end);
        assertThat(store.fetch("g1")).containsOnlyKeys(ORDERS_0);
    }

    @Test
    void deleteGroupRemovesEveryOffsetOfTheGroupOnly() {
        store.commit("g1", Map.of(ORDERS_0, at(10, 100), ORDERS_1, at(20, 100))).join();
        store.commit("g2", Map.of(ORDERS_0, at(3, 100))).join();

        store.deleteGroup("g1").join();

        assertThat(store.fetch("g1")).isEmpty();
        assertThat(store.groups()).containsExactly("g2");
        assertThat(store.fetch("g2")).isEqualTo(Map.of(ORDERS_0, at(3, 100)));
    }

    @Test
    void aRestartLoadsTheSameOffsetsAndKeepsDeletions() {
        for (int g = 0; g < 20; g++) {
            store.commit("group-" + g, Map.of(ORDERS_0, at(g, 100), ORDERS_1, at(g * 10, 100))).join();
        }
        store.commit("group-3", Map.of(ORDERS_0, at(333, 200))).join();
        store.delete("group-4", Set.of(ORDERS_1)).join();
        store.deleteGroup("group-5").join();
        store.commit("group-6", Map.of(PAYMENTS_0, new CommittedOffset(9, -1, null, 300, 400))).join();
        Map<String, Map<TopicPartition, CommittedOffset>> before = new java.util.HashMap<>();
        for (String group : store.groups()) {
            before.put(group, store.fetch(group));
        }

        restart();

        assertThat(store.groups()).hasSize(19).doesNotContain("group-5");
        for (String group : before.keySet()) {
            assertThat(store.fetch(group)).as(group).isEqualTo(before.get(group));
        }
        assertThat(store.fetch("group-3")).containsEntry(ORDERS_0, at(333, 200));
        assertThat(store.fetch("group-4")).containsOnlyKeys(ORDERS_0);
        assertThat(store.fetch("group-5")).isEmpty();
        assertThat(metadata.createdTopics).hasSize(1);
    }

    @Test
    void recordsOfUnknownKindsAreSkippedOnLoad() {
        store.commit("g1", Map.of(ORDERS_0, at(10, 100))).join();
        byte[] foreignKey = {0, 9, 0, 2, 'g', '1'};
        partitions.partition(new TopicPartition(OffsetsTopic.NAME, OffsetsTopic.partitionFor("g1", PARTITIONS)))
                .appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                        new SimpleRecord(1L, foreignKey, new byte[] {1, 2, 3})), (short) 1, 0);

        restart();

        assertThat(store.fetch("g1")).isEqualTo(Map.of(ORDERS_0, at(10, 100)));
    }

    @Test
    void expiryRemovesOldOffsetsOfEmptyGroupsOnly() {
        long now = time.milliseconds();
        store.commit("empty-old", Map.of(ORDERS_0, at(1, now - RETENTION_MS), ORDERS_1, at(2, now - 1))).join();
        store.commit("active-old", Map.of(ORDERS_0, at(3, now - 10 * RETENTION_MS))).join();
        store.commit("empty-explicit", Map.of(ORDERS_0, new CommittedOffset(4, -1, "", now - 1, now),
                ORDERS_1, new CommittedOffset(5, -1, "", now - 10 * RETENTION_MS, now + 1))).join();
        activeGroups.add("active-old");

        int removed = store.expireOffsets(now);

        assertThat(removed).isEqualTo(2);
        assertThat(store.fetch("empty-old")).containsOnlyKeys(ORDERS_1);
        assertThat(store.fetch("active-old")).containsOnlyKeys(ORDERS_0);
        assertThat(store.fetch("empty-explicit")).containsOnlyKeys(ORDERS_1);

        restart();

        assertThat(store.fetch("empty-old")).containsOnlyKeys(ORDERS_1);
        assertThat(store.fetch("empty-explicit")).containsOnlyKeys(ORDERS_1);
        assertThat(store.expireOffsets(now)).isZero();
    }

    @Test
    void expiryDropsAGroupWhoseLastOffsetExpires() {
        store.commit("g1", Map.of(ORDERS_0, at(1, 0))).join();

        assertThat(store.expireOffsets(RETENTION_MS)).isEqualTo(1);

        assertThat(store.groups()).isEmpty();
    }

    @Test
    void theLatestGroupMetadataSurvivesARestartBesideTheOffsets() {
        store.commit("g1", Map.of(ORDERS_0, at(10, 100))).join();
        store.storeGroup(groupMetadata("g1", 1, "m-a")).join();
        store.storeGroup(groupMetadata("g1", 2, "m-a", "m-b")).join();
        store.storeGroup(groupMetadata("g2", 5)).join();
        assertThat(store.storedGroups(g -> g.equals("g1"))).extracting(GroupMetadata::generation).containsExactly(2);

        restart();

        List<GroupMetadata> loaded = store.storedGroups(g -> g.equals("g1"));
        assertThat(loaded).hasSize(1);
        assertThat(loaded.get(0)).usingRecursiveComparison().isEqualTo(groupMetadata("g1", 2, "m-a", "m-b"));
        assertThat(store.storedGroups(g -> true)).extracting(GroupMetadata::groupId).containsExactlyInAnyOrder("g1", "g2");
        assertThat(store.fetch("g1")).isEqualTo(Map.of(ORDERS_0, at(10, 100)));
    }

    @Test
    void deletingAGroupTombstonesItsMetadataWithItsOffsets() {
        store.commit("g1", Map.of(ORDERS_0, at(10, 100))).join();
        store.storeGroup(groupMetadata("g1", 3)).join();

        store.deleteGroup("g1").join();

        assertThat(store.storedGroups(g -> true)).isEmpty();
        restart();
        assertThat(store.storedGroups(g -> true)).isEmpty();
        assertThat(store.fetch("g1")).isEmpty();
    }

    @Test
    void anEmptyGroupWhoseLastOffsetExpiresLosesItsMetadataToo() {
        store.commit("empty", Map.of(ORDERS_0, at(1, 0))).join();
        store.storeGroup(groupMetadata("empty", 4)).join();
        store.commit("members", Map.of(ORDERS_0, at(1, 0))).join();
        store.storeGroup(groupMetadata("members", 4, "m-a")).join();

        store.expireOffsets(RETENTION_MS);

        assertThat(store.storedGroups(g -> true)).extracting(GroupMetadata::groupId).containsExactly("members");
        restart();
        assertThat(store.storedGroups(g -> true)).extracting(GroupMetadata::groupId).containsExactly("members");
    }

    @Test
    void groupMetadataIsNotServedForPartitionsNotLoaded() {
        store.storeGroup(groupMetadata("g1", 1, "m-a")).join();
        int partition = OffsetsTopic.partitionFor("g1", PARTITIONS);

        store.unloadPartition(partition);

        assertThat(store.storedGroups(g -> true)).isEmpty();
        assertThatThrownBy(() -> store.storeGroup(groupMetadata("g1", 2)).join())
                .hasCauseInstanceOf(NotCoordinatorException.class);
        store.loadPartition(partition);
        assertThat(store.storedGroups(g -> true)).extracting(GroupMetadata::generation).containsExactly(1);
    }

    private static GroupMetadata groupMetadata(String groupId, int generation, String... memberIds) {
        List<GroupMetadata.Member> members = new ArrayList<>();
        for (String memberId : memberIds) {
            members.add(new GroupMetadata.Member(memberId, null, "client", "/127.0.0.1", 30_000, 10_000,
                    ("sub-" + memberId).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    ("asg-" + memberId).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        boolean empty = members.isEmpty();
        return new GroupMetadata(groupId, "consumer", generation, empty ? null : "range",
                empty ? null : memberIds[0], 1_000L * generation, members);
    }

    @Test
    void groupsMapToPartitionsByKafkasRule() {
        // This id hashes to Integer.MIN_VALUE: Kafka's abs maps it to 0 where Math.abs would stay negative.
        assertThat("polygenelubricants".hashCode()).isEqualTo(Integer.MIN_VALUE);
        assertThat(OffsetsTopic.partitionFor("polygenelubricants", 50)).isZero();
        // "my-group".hashCode() is -1906497762: the partition comes from its absolute value, not its low 31 bits.
        assertThat(OffsetsTopic.partitionFor("my-group", 50)).isEqualTo(1906497762 % 50);
        assertThat(OffsetsTopic.partitionFor("console-consumer-12345", 50)).isEqualTo(158455506 % 50);

        String group = "my-group";
        int expected = 1906497762 % PARTITIONS;
        store.commit(group, Map.of(ORDERS_0, at(1, 1))).join();

        for (int p = 0; p < PARTITIONS; p++) {
            long end = logs.get(new TopicPartition(OffsetsTopic.NAME, p)).logEndOffset();
            assertThat(end).as("partition %d", p).isEqualTo(p == expected ? 1 : 0);
        }
        assertThat(store.partitionFor(group)).isEqualTo(new TopicPartition(OffsetsTopic.NAME, expected));
    }

    @Test
    void aWriteToAPartitionNotLoadedHereFailsWithNotCoordinatorAndChangesNothing() {
        LogOffsetStore withoutTopic = new LogOffsetStore(new OffsetsTestMetadata(), PartitionWriter.of(partitions),
                PARTITIONS, RETENTION_MS, null, time, Runnable::run);

        assertThatThrownBy(() -> withoutTopic.commit("g1", Map.of(ORDERS_0, at(1, 1))).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(NotCoordinatorException.class);
        assertThat(withoutTopic.fetch("g1")).isEmpty();
    }

    @Test
    void theReplicationFactorIsCappedAtTheLiveBrokers() {
        Map<Integer, BrokerImage> oneLive = Map.of(1, new BrokerImage(1, "h", 1, null, false));
        Map<Integer, BrokerImage> twoOfThreeLive = Map.of(1, new BrokerImage(1, "h", 1, null, false),
                2, new BrokerImage(2, "h", 2, null, true), 3, new BrokerImage(3, "h", 3, null, false));
        Map<Integer, BrokerImage> fourLive = Map.of(1, new BrokerImage(1, "h", 1, null, false),
                2, new BrokerImage(2, "h", 2, null, false), 3, new BrokerImage(3, "h", 3, null, false),
                4, new BrokerImage(4, "h", 4, null, false));

        assertThat(LogOffsetStore.cappedReplicationFactor((short) 3, imageWith(oneLive))).isEqualTo((short) 1);
        assertThat(LogOffsetStore.cappedReplicationFactor((short) 3, imageWith(twoOfThreeLive))).isEqualTo((short) 2);
        assertThat(LogOffsetStore.cappedReplicationFactor((short) 3, imageWith(fourLive))).isEqualTo((short) 3);
        assertThat(LogOffsetStore.cappedReplicationFactor((short) 3, imageWith(Map.of()))).isEqualTo((short) 1);
    }

    private static MetadataImage imageWith(Map<Integer, BrokerImage> brokers) {
        return new MetadataImage(1, "c", brokers, Map.of(), Map.of(), 0);
    }

    @Test
    void ensureTopicAcceptsATopicCreatedMeanwhileButNotOtherFailures() {
        OffsetsTestMetadata racing = new OffsetsTestMetadata();
        racing.createFailure = new TopicExistsException("Topic '__consumer_offsets' already exists.");
        new LogOffsetStore(racing, PartitionWriter.of(partitions), PARTITIONS, RETENTION_MS, null, time, Runnable::run)
                .ensureTopic((short) 1);

        OffsetsTestMetadata failing = new OffsetsTestMetadata();
        failing.createFailure = new InvalidReplicationFactorException("Replication factor: 3 larger than available brokers: 1.");
        assertThatThrownBy(() -> new LogOffsetStore(failing, PartitionWriter.of(partitions), PARTITIONS, RETENTION_MS,
                null, time, Runnable::run)
                .ensureTopic((short) 3))
                .isInstanceOf(IllegalStateException.class)
                .hasCauseInstanceOf(InvalidReplicationFactorException.class);
    }

    @Test
    void startLoadsAndSchedulesExpiryAtTheConfiguredInterval() {
        long day = 24 * 60 * 60 * 1000L;
        store.commit("g1", Map.of(ORDERS_0, at(10, time.milliseconds() - 8 * day))).join();
        store.commit("g2", Map.of(ORDERS_0, at(20, time.milliseconds() - day))).join();
        BrokerConfig config = BrokerConfig.of(Map.of("log.dirs", dir.toString(),
                "offsets.topic.num.partitions", Integer.toString(PARTITIONS),
                "offsets.retention.check.interval.ms", "1234"));
        RecordingScheduler scheduler = new RecordingScheduler();
        try (LogOffsetStore started = LogOffsetStore.start(metadata, PartitionWriter.of(partitions), config, null,
                scheduler, time)) {
            assertThat(started.groups()).containsExactlyInAnyOrder("g1", "g2");
            assertThat(scheduler.periods).containsExactly(1234L);

            scheduler.tasks.get(0).run();

            // The expiry's tombstones are written on the store's event threads, not waited for.
            io.sluice.it.Poll.until(java.time.Duration.ofSeconds(10), () -> started.groups().equals(Set.of("g2")),
                    "the expired group's offsets to go");
        } finally {
            scheduler.shutdownNow();
        }
        assertThat(config.offsetsRetentionMs()).isEqualTo(7 * day);
        assertThat(metadata.createdTopics).hasSize(1);
    }

    @Test
    void startKeepsTheExistingPartitionCountWhenTheSettingChanged() {
        store.commit("my-group", Map.of(ORDERS_0, at(10, 100))).join();
        BrokerConfig config = BrokerConfig.of(Map.of("log.dirs", dir.toString(), "offsets.topic.num.partitions", "50"));
        RecordingScheduler scheduler = new RecordingScheduler();
        try (LogOffsetStore started = LogOffsetStore.start(metadata, PartitionWriter.of(partitions), config, null,
                scheduler, time)) {
            assertThat(started.partitionFor("my-group").partition()).isEqualTo(1906497762 % PARTITIONS);

            started.commit("my-group", Map.of(ORDERS_1, at(11, 100))).join();

            assertThat(started.fetch("my-group")).containsOnlyKeys(ORDERS_0, ORDERS_1);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void retentionSettingsDefaultToKafkas() {
        BrokerConfig config = BrokerConfig.of(Map.of("log.dirs", dir.toString()));

        assertThat(config.offsetsRetentionMs()).isEqualTo(10080L * 60_000);
        assertThat(config.offsetsRetentionCheckIntervalMs()).isEqualTo(600_000L);
    }

    /** Records periodic tasks instead of running them, so the test runs them when it chooses. */
    private static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
        final List<Runnable> tasks = new ArrayList<>();
        final List<Long> periods = new ArrayList<>();

        RecordingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            tasks.add(command);
            periods.add(unit.toMillis(delay));
            return super.schedule(() -> { }, 1, TimeUnit.DAYS);
        }
    }
}
