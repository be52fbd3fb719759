package io.sluice.log;

import io.sluice.testing.ManualTime;
import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.idempotent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    final ManualTime time = new ManualTime(NOW);
    final TopicPartition orders = new TopicPartition("my-orders-v2", 3);

    private LogManager manager(Map<String, String> defaults) {
        LogManager manager = new LogManager(List.of(dirA, dirB), defaults, 300_000, time);
        manager.startup();
        return manager;
    }

    @Test
    void logsSurviveACleanRestartWithoutRecovery() throws Exception {
        LogManager manager = manager(Map.of());
        Log log = manager.getOrCreate(orders, LogConfig.defaults());
        log.append(batch(NOW, "a", "b"), 0);
        log.append(idempotent(9L, (short) 0, 0, NOW, "c"), 0);
        Path partitionDir = log.dir();
        assertThat(partitionDir.getFileName().toString()).isEqualTo("my-orders-v2-3");
        manager.shutdown();

        Path logDir = partitionDir.getParent();
        assertThat(logDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).exists();
        assertThat(Files.readAllLines(logDir.resolve(RecoveryPointCheckpoint.FILE_NAME)))
                .containsExactly("0", "1", "my-orders-v2 3 3");

        LogManager restarted = manager(Map.of("retention.ms", "1000"));
        assertThat(restarted.partitions()).containsExactly(orders);
        Log reloaded = restarted.get(orders);
        assertThat(reloaded.recoveryRan()).isFalse();
        assertThat(reloaded.logEndOffset()).isEqualTo(3);
        assertThat(reloaded.config().retentionMs()).isEqualTo(1000L);
        assertThat(reloaded.append(idempotent(9L, (short) 0, 0, NOW, "c"), 0).duplicate()).isTrue();
        assertThat(logDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER)).doesNotExist();
        restarted.shutdown();
    }

    @Test
    void withoutTheMarkerLogsAreRecoveredFromTheCheckpointedPoint() {
        LogManager manager = manager(Map.of());
        manager.getOrCreate(orders, LogConfig.defaults()).append(batch(NOW, "a"), 0);
        manager.shutdown();
        Path logDir = manager.get(orders).dir().getParent();
        logDir.resolve(LogManager.CLEAN_SHUTDOWN_MARKER).toFile().delete();

        LogManager restarted = manager(Map.of());
        assertThat(restarted.get(orders).recoveryRan()).isTrue();
        assertThat(restarted.get(orders).logEndOffset()).isEqualTo(1);
        restarted.shutdown();
    }

    @Test
    void newLogsGoToTheLeastLoadedDirectory() {
        LogManager manager = manager(Map.of());
        Path first = manager.getOrCreate(new TopicPartition("a", 0), LogConfig.defaults()).dir().getParent();
        Path second = manager.getOrCreate(new TopicPartition("a", 1), LogConfig.defaults()).dir().getParent();
        assertThat(List.of(first, second)).containsExactlyInAnyOrder(dirA, dirB);
        assertThat(manager.getOrCreate(new TopicPartition("a", 0), LogConfig.defaults()).dir().getParent())
                .isEqualTo(first);
        manager.shutdown();
    }

    @Test
    void deleteRemovesThePartitionAndItsDirectory() throws Exception {
        LogManager manager = manager(Map.of(LogConfig.FILE_DELETE_DELAY_MS, "0"));
        Log log = manager.getOrCreate(orders, LogConfig.of(Map.of(LogConfig.FILE_DELETE_DELAY_MS, "0"), Map.of()));
        log.append(batch(NOW, "a"), 0);
        Path partitionDir = log.dir();

        manager.delete(orders);

        assertThat(manager.get(orders)).isNull();
        assertThat(manager.partitions()).isEmpty();
        assertThat(partitionDir).doesNotExist();
        long deadline = System.currentTimeMillis() + 10_000;
        while (hasChildren(partitionDir.getParent()) && System.currentTimeMillis() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertThat(hasChildren(partitionDir.getParent())).isFalse();
        manager.shutdown();
    }

    private static boolean hasChildren(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.anyMatch(Files::isDirectory);
        }
    }

    @Test
    void parsesTopicNamesContainingDashesAndSkipsOtherDirectories() {
        assertThat(LogManager.parseTopicPartition("my-orders-v2-3")).isEqualTo(new TopicPartition("my-orders-v2", 3));
        assertThat(LogManager.parseTopicPartition("__consumer_offsets-49"))
                .isEqualTo(new TopicPartition("__consumer_offsets", 49));
        assertThat(LogManager.parseTopicPartition("lost+found")).isNull();
        assertThat(LogManager.parseTopicPartition("topic-")).isNull();
    }

    @Test
    void retentionRunsAcrossAllLogs() {
        LogManager manager = manager(Map.of());
        LogConfig config = LogConfig.of(Map.of(LogConfig.RETENTION_MS, "1000", LogConfig.FILE_DELETE_DELAY_MS, "0"), Map.of());
        Log log = manager.getOrCreate(orders, config);
        log.append(batch(NOW - 5000, "old"), 0);
        manager.cleanupLogs();
        assertThat(log.logStartOffset()).isEqualTo(1);
        manager.shutdown();
    }
}
