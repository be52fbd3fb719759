package io.sluice.log;

import io.sluice.testing.ManualTime;
import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
    @TempDir
    Path root;
    final ManualTime time = new ManualTime(NOW);
    final LogTestSupport.ManualScheduler scheduler = new LogTestSupport.ManualScheduler();
    final int batchSize = batch(NOW, "value-00").sizeInBytes();

    private Log open(Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>(extra);
        overrides.put(LogConfig.SEGMENT_BYTES, String.valueOf(batchSize * 10));
        return Log.open(root.resolve("t-0"), config(overrides), 0L, true, time, scheduler);
    }

    private void append(Log log, int batches, long timestamp) {
        for (int i = 0; i < batches; i++) {
            log.append(batch(timestamp, "value-" + String.format("%02d", i % 100)), 0);
        }
    }

    @Test
    void segmentsOlderThanRetentionMsAreDeletedAndTheLogStartAdvances() {
        Log log = open(Map.of(LogConfig.RETENTION_MS, "10000"));
        append(log, 20, NOW - 20_000);
        append(log, 15, NOW);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 10L, 20L, 30L);

        assertThat(log.deleteOldSegments()).isEqualTo(2);

        assertThat(log.segmentBaseOffsets()).containsExactly(20L, 30L);
        assertThat(log.logStartOffset()).isEqualTo(20);
        assertThatThrownBy(() -> log.read(5, 1000, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(readAll(log, 20)).hasSize(15);
        log.close();
    }

    @Test
    void anExpiredActiveSegmentIsRolledThenDeleted() {
        Log log = open(Map.of(LogConfig.RETENTION_MS, "10000"));
        append(log, 5, NOW - 20_000);

        assertThat(log.deleteOldSegments()).isEqualTo(1);

        assertThat(log.segmentBaseOffsets()).containsExactly(5L);
        assertThat(log.logStartOffset()).isEqualTo(5);
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(log.append(batch(NOW, "x"), 0).firstOffset()).isEqualTo(5);
        log.close();
    }

    @Test
    void retentionBytesKeepsTheNewestSegmentsWithinTheLimit() {
        Log log = open(Map.of(LogConfig.RETENTION_BYTES, String.valueOf(batchSize * 15)));
        append(log, 35, NOW);

        assertThat(log.deleteOldSegments()).isEqualTo(2);

        assertThat(log.segmentBaseOffsets()).containsExactly(20L, 30L);
        assertThat(log.logStartOffset()).isEqualTo(20);
        assertThat(log.size()).isLessThanOrEqualTo(batchSize * 15L);
        log.close();
    }

    @Test
    void compactOnlyTopicsKeepEverything() {
        Log log = open(Map.of(LogConfig.RETENTION_MS, "1", LogConfig.CLEANUP_POLICY, "compact"));
        append(log, 25, NOW - 20_000);
        assertThat(log.deleteOldSegments()).isZero();
        assertThat(log.logStartOffset()).isZero();
        log.close();
    }

    @Test
    void deletedSegmentFilesAreRenamedThenRemovedAfterTheDelay() throws Exception {
        Log log = open(Map.of(LogConfig.RETENTION_MS, "10000", LogConfig.FILE_DELETE_DELAY_MS, "60000"));
        append(log, 15, NOW - 20_000);
        append(log, 1, NOW);
        Path dir = root.resolve("t-0");
        Path original = dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        Path renamed = dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX) + LogSegment.DELETED_SUFFIX);
        scheduler.runAll();

        log.deleteOldSegments();

        assertThat(original).doesNotExist();
        assertThat(renamed).exists();
        assertThat(dir.resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX) + LogSegment.DELETED_SUFFIX)).exists();
        assertThat(scheduler.delays).contains(60000L);
        scheduler.runAll();
        assertThat(renamed).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".deleted"));
        }
        log.close();
    }

    @Test
    void deleteRecordsBeforeAdvancesTheStartAndSurvivesARestart() {
        Log log = open(Map.of());
        append(log, 25, NOW);

        assertThat(log.deleteRecordsBefore(13)).isEqualTo(13);

        assertThat(log.logStartOffset()).isEqualTo(13);
        assertThat(log.segmentBaseOffsets()).containsExactly(10L, 20L);
        assertThatThrownBy(() -> log.read(12, 1000, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(readAll(log, 13)).extracting(Record::offset).first().isEqualTo(13L);
        assertThat(log.deleteRecordsBefore(5)).isEqualTo(13);
        assertThatThrownBy(() -> log.deleteRecordsBefore(26)).isInstanceOf(OffsetOutOfRangeException.class);
        log.close();

        Log reopened = Log.open(root.resolve("t-0"), config(Map.of()), 0L, false, time, scheduler);
        assertThat(reopened.logStartOffset()).isEqualTo(13);
        assertThat(reopened.offsetForTimestamp(0)).isEqualTo(new TimestampOffset(NOW, 13));
        reopened.close();
    }
}
