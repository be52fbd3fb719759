package io.sluice.log;

import io.sluice.testing.ManualTime;
import static io.sluice.log.CompactionTestSupport.describe;
import static io.sluice.log.CompactionTestSupport.keyed;
import static io.sluice.log.LogTestSupport.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {
    @TempDir
    Path root;
    final ManualTime time = new ManualTime(NOW);
    final TopicPartition offsets = new TopicPartition("__consumer_offsets", 7);

    private LogManager manager(boolean cleanerThread, long backoffMs) {
        LogManager manager = new LogManager(List.of(root), Map.of(), 300_000, cleanerThread, backoffMs, time);
        manager.startup();
        return manager;
    }

    private static LogConfig compacted(Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>(Map.of(LogConfig.CLEANUP_POLICY, "compact",
                LogConfig.SEGMENT_BYTES, "1000", LogConfig.DELETE_RETENTION_MS, "10000"));
        overrides.putAll(extra);
        return LogConfig.of(overrides, Map.of());
    }

    private static void write(Log log, String prefix, int count, int keys) {
        for (int i = 0; i < count; i++) {
            log.append(keyed(prefix + (i % keys), "v-" + log.logEndOffset()), 0);
        }
    }

    @Test
    void onlyLogsAtOrAboveTheDirtyRatioAreCleaned() {
        LogManager manager = manager(false, 15_000);
        Log log = manager.getOrCreate(offsets, compacted(Map.of(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "0.5")));
        Log deleteOnly = manager.getOrCreate(new TopicPartition("plain", 0),
                LogConfig.of(Map.of(LogConfig.SEGMENT_BYTES, "1000"), Map.of()));
        write(deleteOnly, "k", 100, 1);
        // Many distinct keys: compaction keeps them all, so the clean part stays large.
        write(log, "distinct-", 200, 200);
        assertThat(manager.cleanNow()).isEqualTo(1);
        long cleanSize = log.size();

        write(log, "update-", 20, 2);
        assertThat(manager.cleanNow()).isZero();

        write(log, "update-", 300, 2);
        assertThat(manager.cleanNow()).isEqualTo(1);
        assertThat(manager.cleanerStats().logsCleaned()).isEqualTo(2);
        assertThat(describe(deleteOnly, 0)).hasSize(100);
        assertThat(log.size()).isLessThan(cleanSize + 320L * 40);
        manager.shutdown();
    }

    @Test
    void theCleanerCheckpointSurvivesARestartSoCleanDataIsNotCleanedAgain() throws Exception {
        LogManager manager = manager(false, 15_000);
        Log log = manager.getOrCreate(offsets, compacted(Map.of()));
        write(log, "group-", 200, 3);
        long active = log.segmentBaseOffsets().get(log.numberOfSegments() - 1);
        assertThat(manager.cleanNow()).isEqualTo(1);
        manager.shutdown();
        Path checkpoint = root.resolve(LogCleaner.CHECKPOINT_FILE);
        assertThat(Files.readAllLines(checkpoint)).containsExactly("0", "1", "__consumer_offsets 7 " + active);

        LogManager restarted = manager(false, 15_000);
        restarted.getOrCreate(offsets, compacted(Map.of()));
        assertThat(restarted.cleanNow()).isZero();
        assertThat(restarted.cleanerStats().logsCleaned()).isZero();
        assertThat(restarted.cleanerStats().bytesRead()).isZero();
        restarted.shutdown();

        // Without the checkpoint the same log counts as wholly dirty again: the assertion above can fail.
        Files.delete(checkpoint);
        LogManager forgetful = manager(false, 15_000);
        forgetful.getOrCreate(offsets, compacted(Map.of()));
        assertThat(forgetful.cleanNow()).isEqualTo(1);
        assertThat(forgetful.cleanerStats().bytesRead()).isPositive();
        forgetful.shutdown();
    }

    @Test
    void expiredTombstonesAloneTriggerAPass() {
        LogManager manager = manager(false, 15_000);
        Log log = manager.getOrCreate(offsets, compacted(Map.of()));
        log.append(keyed("member", "joined"), 0);
        log.append(keyed("member", null), 0);
        write(log, "other-", 60, 2);
        assertThat(manager.cleanNow()).isEqualTo(1);
        assertThat(describe(log, 0)).anyMatch(line -> line.contains("member=null"));

        time.advance(5_000);
        assertThat(manager.cleanNow()).isZero();
        time.advance(5_001);
        assertThat(manager.cleanNow()).isEqualTo(1);
        assertThat(describe(log, 0)).noneMatch(line -> line.contains("member"));
        assertThat(manager.cleanNow()).isZero();
        manager.shutdown();
    }

    @Test
    void maxCompactionLagForcesAPassBelowTheDirtyRatio() {
        LogManager manager = manager(false, 15_000);
        Log log = manager.getOrCreate(offsets, compacted(Map.of(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "1.0",
                LogConfig.MAX_COMPACTION_LAG_MS, "60000")));
        write(log, "distinct-", 200, 200);
        assertThat(manager.cleanNow()).isEqualTo(1);
        write(log, "update-", 40, 2);
        assertThat(manager.cleanNow()).isZero();

        time.advance(60_001);
        assertThat(manager.cleanNow()).isEqualTo(1);
        manager.shutdown();
    }

    @Test
    void theBackgroundCleanerCompactsOnItsOwnThread() throws Exception {
        LogManager manager = manager(true, 10);
        Log log = manager.getOrCreate(offsets, compacted(Map.of()));
        write(log, "group-", 200, 3);

        long deadline = System.nanoTime() + 10_000_000_000L;
        // The pass counts the log as cleaned before it writes the checkpoint: wait for both.
        while ((manager.cleanerStats().logsCleaned() == 0 || !Files.exists(root.resolve(LogCleaner.CHECKPOINT_FILE)))
                && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }

        assertThat(manager.cleanerStats().logsCleaned()).isPositive();
        assertThat(Files.exists(root.resolve(LogCleaner.CHECKPOINT_FILE))).isTrue();
        manager.shutdown();
    }
}
