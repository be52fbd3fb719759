package io.sluice.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.Log;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.log.PartitionMetadataFile;
import io.sluice.log.StrayLogs;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.testing.TestReplicas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log the metadata never placed on this node, or one of an earlier topic of the same name, is set aside as
 * "-stray", not deleted: it may hold the only copy of its records. A deletion the metadata log recorded still deletes.
 */
class StrayLogTest {
    private static final int NODE = 1;
    private static final TopicPartition KNOWN = new TopicPartition("known", 0);
    private static final TopicPartition UNKNOWN = new TopicPartition("unknown", 0);

    @TempDir
    Path dataDir;
    private final Time time = Time.SYSTEM;
    private LogManager logs;

    private LogManager startLogs(long strayDelayMs) {
        logs = new LogManager(List.of(dataDir), Map.of(), 300_000, false, 15_000, time);
        logs.setStrayDeleteDelayMs(strayDelayMs);
        logs.startup();
        return logs;
    }

    @AfterEach
    void stop() {
        if (logs != null) {
            logs.shutdown();
        }
    }

    @Test
    void aLogUnknownToTheMetadataAtStartIsRenamedNotDeletedAndTheOthersStayServed() throws IOException {
        startLogs(LogManager.DEFAULT_STRAY_DELETE_DELAY_MS);
        append(logs.getOrCreate(KNOWN, LogConfig.of(Map.of(), Map.of())), 3);
        append(logs.getOrCreate(UNKNOWN, LogConfig.of(Map.of(), Map.of())), 5);
        ReplicaManager partitions = TestReplicas.replicaManager(NODE, logs, Map.of());

        partitions.onImage(null, imageWith("known"));

        assertThat(logs.partitions()).containsExactly(KNOWN);
        assertThat(logs.get(KNOWN).logEndOffset()).isEqualTo(3);
        List<Path> strays = strayDirs();
        assertThat(strays).hasSize(1);
        assertThat(strays.get(0).getFileName().toString()).startsWith("unknown-0.").endsWith("-stray");
        assertThat(Files.list(strays.get(0)).map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".log"));
        assertThat(dataDir.resolve("unknown-0")).doesNotExist();
    }

    @Test
    void aTopicDeletionTheMetadataRecordedDeletesItsLog() throws IOException {
        startLogs(LogManager.DEFAULT_STRAY_DELETE_DELAY_MS);
        ReplicaManager partitions = TestReplicas.replicaManager(NODE, logs, Map.of());
        MetadataImage withTopic = imageWith("known");
        partitions.onImage(null, withTopic);
        assertThat(logs.partitions()).containsExactly(KNOWN);

        partitions.onImage(withTopic, imageWith());

        assertThat(logs.partitions()).isEmpty();
        assertThat(strayDirs()).isEmpty();
    }

    @Test
    void strayLogsAreDeletedByTheOperatorCommandAndSkippedWhenLogsLoad() throws IOException {
        startLogs(LogManager.DEFAULT_STRAY_DELETE_DELAY_MS);
        append(logs.getOrCreate(UNKNOWN, LogConfig.of(Map.of(), Map.of())), 2);
        logs.markStray(UNKNOWN);
        logs.shutdown();

        startLogs(LogManager.DEFAULT_STRAY_DELETE_DELAY_MS);
        assertThat(logs.partitions()).isEmpty();
        assertThat(strayDirs()).hasSize(1);

        assertThat(logs.deleteStrays()).isEqualTo(1);
        assertThat(strayDirs()).isEmpty();
    }

    @Test
    void strayLogsAreDeletedOnceTheirDelayHasPassed() throws IOException {
        startLogs(0);
        logs.getOrCreate(UNKNOWN, LogConfig.of(Map.of(), Map.of()));
        logs.markStray(UNKNOWN);

        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!strayDirs().isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(2_000_000);
        }
        assertThat(strayDirs()).isEmpty();
    }

    @Test
    void aLogOfADeletedTopicWhoseNameWasReusedWhileTheBrokerWasDownIsSetAsideNotServed() throws IOException {
        startLogs(LogManager.DEFAULT_STRAY_DELETE_DELAY_MS);
        MetadataImage before = imageWith("known");
        TestReplicas.replicaManager(NODE, logs, Map.of()).onImage(null, before);
        append(logs.get(KNOWN), 4);
        logs.shutdown();

        startLogs(LogManager.DEFAULT_STRAY_DELETE_DELAY_MS);
        TestReplicas.replicaManager(NODE, logs, Map.of()).onImage(null, before);
        assertThat(logs.get(KNOWN).logEndOffset()).as("the same topic id: the log is kept").isEqualTo(4);
        assertThat(strayDirs()).isEmpty();
        logs.shutdown();

        startLogs(LogManager.DEFAULT_STRAY_DELETE_DELAY_MS);
        MetadataImage recreated = imageWith("known");
        ReplicaManager partitions = TestReplicas.replicaManager(NODE, logs, Map.of());
        partitions.onImage(null, recreated);

        assertThat(logs.get(KNOWN).logEndOffset()).as("the new topic starts empty").isZero();
        assertThat(partitions.partition(KNOWN).highWatermark()).isZero();
        assertThat(PartitionMetadataFile.read(logs.get(KNOWN).dir())).isEqualTo(recreated.topic("known").id());
        List<Path> strays = strayDirs();
        assertThat(strays).singleElement().satisfies(dir -> {
            assertThat(dir.getFileName().toString()).startsWith("known-0.");
            assertThat(PartitionMetadataFile.read(dir)).isEqualTo(before.topic("known").id());
        });
    }

    private List<Path> strayDirs() throws IOException {
        try (Stream<Path> list = Files.list(dataDir)) {
            return list.filter(p -> p.getFileName().toString().endsWith(StrayLogs.SUFFIX)).toList();
        }
    }

    private static void append(Log log, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        log.append(MemoryRecords.withRecords(Compression.NONE, records), 0);
    }

    private static MetadataImage imageWith(String... topics) {
        Map<String, TopicImage> byName = new TreeMap<>();
        Map<Uuid, TopicImage> byId = new HashMap<>();
        for (String name : topics) {
            TreeMap<Integer, PartitionImage> parts = new TreeMap<>();
            parts.put(0, new PartitionImage(0, List.of(NODE), List.of(NODE), NODE, 0, 0));
            TopicImage topic = new TopicImage(name, Uuid.randomUuid(), parts, Map.of());
            byName.put(name, topic);
            byId.put(topic.id(), topic);
        }
        return new MetadataImage(1, "cluster", Map.of(), byName, byId, 0);
    }
}
