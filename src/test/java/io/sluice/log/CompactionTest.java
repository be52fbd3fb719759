package io.sluice.log;

import io.sluice.testing.ManualTime;
import static io.sluice.log.CompactionTestSupport.batches;
import static io.sluice.log.CompactionTestSupport.describe;
import static io.sluice.log.CompactionTestSupport.expectedAfterCompaction;
import static io.sluice.log.CompactionTestSupport.keyed;
import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.idempotent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CompactionTest {
    @TempDir
    Path root;
    final ManualTime time = new ManualTime(NOW);
    final LogTestSupport.ManualScheduler scheduler = new LogTestSupport.ManualScheduler();

    private Log open(Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put(LogConfig.CLEANUP_POLICY, "compact");
        overrides.put(LogConfig.SEGMENT_BYTES, "1000");
        overrides.put(LogConfig.INDEX_INTERVAL_BYTES, "150");
        overrides.putAll(extra);
        return Log.open(root.resolve("compacted-0"), config(overrides), 0L, true, time, scheduler);
    }

    /** Updates to few keys, one record per batch: key k(i % keys) gets value v-i. */
    private static void writeUpdates(Log log, int count, int keys) {
        for (int i = 0; i < count; i++) {
            log.append(keyed("k" + (i % keys), "v-" + i), 0);
        }
    }

    private static long activeBase(Log log) {
        List<Long> bases = log.segmentBaseOffsets();
        return bases.get(bases.size() - 1);
    }

    @Test
    void onlyTheLatestValuePerKeyRemainsWithOffsetsKeptAndTheActiveSegmentUntouched() throws Exception {
        Log log = open(Map.of());
        writeUpdates(log, 200, 5);
        assertThat(log.numberOfSegments()).isGreaterThan(5);
        long active = activeBase(log);
        Path activeFile = log.dir().resolve(LogSegment.fileName(active, LogSegment.LOG_SUFFIX));
        byte[] activeBytes = Files.readAllBytes(activeFile);
        List<String> before = describe(log, 0);
        long sizeBefore = log.size();

        CleanResult result = log.compact(time.milliseconds());

        assertThat(result.completed()).isTrue();
        assertThat(result.endOffset()).isEqualTo(active);
        List<String> after = describe(log, 0);
        assertThat(after).containsExactlyElementsOf(expectedAfterCompaction(before, active));
        assertThat(after.stream().filter(line -> Long.parseLong(line.split(" ")[0]) < active)).hasSize(5);
        assertThat(Files.readAllBytes(activeFile)).isEqualTo(activeBytes);
        assertThat(activeBase(log)).isEqualTo(active);
        assertThat(log.size()).isLessThan(sizeBefore);
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.logEndOffset()).isEqualTo(200);
        assertThat(log.append(keyed("k0", "next"), 0).firstOffset()).isEqualTo(200);
        log.close();
    }

    @Test
    void readingFromAnyOffsetReturnsWholeBatchesFromTheNextSurvivingRecord() {
        Log log = open(Map.of());
        writeUpdates(log, 120, 4);
        log.compact(time.milliseconds());
        List<Long> surviving = new ArrayList<>();
        for (Record record : LogTestSupport.readAll(log, 0)) {
            surviving.add(record.offset());
        }

        for (long offset = 0; offset < log.logEndOffset(); offset++) {
            LogReadInfo info = log.read(offset, 1 << 16, true);
            List<RecordBatch> read = new ArrayList<>();
            LogTestSupport.read(info.slice()).batches().forEach(read::add);
            assertThat(read).isNotEmpty();
            RecordBatch first = read.get(0);
            assertThat(first.lastOffset()).isGreaterThanOrEqualTo(offset);
            assertThat(first.isValid()).isTrue();
            long expectedNext = offset;
            long firstSurvivor = surviving.stream().filter(o -> o >= expectedNext).findFirst().orElseThrow();
            Record firstRecord = null;
            for (RecordBatch batch : read) {
                for (Record record : batch) {
                    if (record.offset() >= offset) {
                        firstRecord = record;
                        break;
                    }
                }
                if (firstRecord != null) {
                    break;
                }
            }
            assertThat(firstRecord).isNotNull();
            assertThat(firstRecord.offset()).isEqualTo(firstSurvivor);
        }
        log.close();
    }

    @Test
    void tombstonesAreKeptForDeleteRetentionMsThenRemoved() {
        Log log = open(Map.of(LogConfig.DELETE_RETENTION_MS, "10000"));
        for (int i = 0; i < 20; i++) {
            log.append(keyed("gone", "old-" + i), 0);
        }
        log.append(keyed("gone", null), 0);
        writeUpdates(log, 60, 3);
        long active = activeBase(log);

        log.compact(time.milliseconds());
        assertThat(describe(log, 0)).contains("20 gone=null").noneMatch(line -> line.contains("gone=old"));

        time.advance(9_999);
        log.compact(time.milliseconds());
        assertThat(describe(log, 0)).contains("20 gone=null");
        assertThat(log.earliestDeleteHorizon()).isEqualTo(NOW + 10_000);

        time.advance(2);
        log.compact(time.milliseconds());
        assertThat(describe(log, 0)).noneMatch(line -> line.contains("gone"));
        assertThat(log.earliestDeleteHorizon()).isEqualTo(Long.MAX_VALUE);
        assertThat(activeBase(log)).isEqualTo(active);
        log.close();
    }

    @Test
    void aTombstoneIsDroppedAtOnceWhenALaterValueForItsKeyFollows() {
        Log log = open(Map.of());
        log.append(keyed("x", "1"), 0);
        log.append(keyed("x", null), 0);
        log.append(keyed("x", "2"), 0);
        writeUpdates(log, 60, 3);

        log.compact(time.milliseconds());

        assertThat(describe(log, 0)).filteredOn(line -> line.contains(" x=")).containsExactly("2 x=2");
        log.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4", "zstd"})
    void compressedBatchesAreCompactedAndStayCompressedWithTheirCodec(String codec) {
        Compression compression = Compression.of(CompressionType.forName(codec)).build();
        Log log = open(Map.of(LogConfig.SEGMENT_BYTES, "600"));
        int offset = 0;
        for (int batch = 0; batch < 60; batch++) {
            String[] keyValues = new String[10];
            for (int j = 0; j < 5; j++) {
                keyValues[2 * j] = "k" + ((batch * 3 + j) % 7);
                keyValues[2 * j + 1] = "v-" + offset++;
            }
            log.append(keyed(compression, NOW, keyValues), 0);
        }
        long active = activeBase(log);
        List<String> before = describe(log, 0);

        CleanResult result = log.compact(time.milliseconds());

        assertThat(result.recordsRetained()).isLessThan(result.recordsRead());
        assertThat(describe(log, 0)).containsExactlyElementsOf(expectedAfterCompaction(before, active));
        assertThat(batches(log)).isNotEmpty()
                .allSatisfy(batch -> assertThat(batch.compressionType()).isEqualTo(compression.type()))
                .allSatisfy(batch -> assertThat(batch.isValid()).isTrue());
        log.close();
    }

    @Test
    void anIdempotentProducersLastBatchSurvivesSoARetryIsStillADuplicate() {
        Log log = open(Map.of());
        long pid = 77L;
        short epoch = 0;
        log.append(idempotent(pid, epoch, 0, NOW, "a", "b"), 0);
        LogAppendInfo last = log.append(idempotent(pid, epoch, 2, NOW, "c", "d"), 0);
        // Later plain records overwrite every key the producer wrote ("k-" + value), then roll the segment.
        log.append(LogTestSupport.batch(NOW, "a", "b", "c", "d"), 0);
        writeUpdates(log, 40, 2);

        log.compact(time.milliseconds());

        assertThat(describe(log, 0)).noneMatch(line -> line.startsWith(last.firstOffset() + " "));
        assertThat(batches(log)).anySatisfy(batch -> {
            assertThat(batch.producerId()).isEqualTo(pid);
            assertThat(batch.baseSequence()).isEqualTo(2);
            assertThat(batch.lastOffset()).isEqualTo(last.lastOffset());
            assertThat(batch.countOrNull()).isZero();
        });
        LogAppendInfo retry = log.append(idempotent(pid, epoch, 2, NOW, "c", "d"), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(last.firstOffset());
        log.close();

        Log reopened = Log.open(log.dir(), log.config(), 0L, false, time, scheduler);
        assertThat(reopened.recoveryRan()).isTrue();
        LogAppendInfo retryAfterRecovery = reopened.append(idempotent(pid, epoch, 2, NOW, "c", "d"), 0);
        assertThat(retryAfterRecovery.duplicate()).isTrue();
        assertThat(retryAfterRecovery.lastOffset()).isEqualTo(last.lastOffset());
        assertThat(reopened.append(idempotent(pid, epoch, 4, NOW, "e"), 0).duplicate()).isFalse();
        reopened.close();
    }

    @Test
    void recordsWithoutAKeyAreRejectedOnACompactedTopicAndNothingIsWritten() {
        Log log = open(Map.of());
        log.append(keyed("k", "v"), 0);
        MemoryRecords mixed = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(NOW, CompactionTestSupport.bytes("k"), CompactionTestSupport.bytes("v")),
                new SimpleRecord(NOW, null, CompactionTestSupport.bytes("no key")));
        MemoryRecords compressed = MemoryRecords.withRecords(Compression.gzip().build(),
                new SimpleRecord(NOW, null, CompactionTestSupport.bytes("no key")));

        assertThatThrownBy(() -> log.append(mixed, 0)).isInstanceOf(InvalidRecordException.class)
                .hasMessage("Compacted topic cannot accept message without key in topic partition compacted-0.");
        assertThatThrownBy(() -> log.append(compressed, 0)).isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(describe(log, 0)).containsExactly("0 k=v");
        log.close();

        Log plain = Log.open(root.resolve("plain-0"), config(Map.of()), 0L, true, time, scheduler);
        assertThat(plain.append(MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(NOW, null, CompactionTestSupport.bytes("no key"))), 0).firstOffset()).isZero();
        plain.close();
    }

    @Test
    void compactAndDeleteBothCompactsAndAppliesRetention() {
        Log log = open(Map.of(LogConfig.CLEANUP_POLICY, "compact,delete", LogConfig.RETENTION_MS, "10000"));
        for (int i = 0; i < 60; i++) {
            log.append(keyed(Compression.NONE, NOW - 60_000, "old" + (i % 3), "v-" + i), 0);
        }
        for (int i = 60; i < 160; i++) {
            log.append(keyed(Compression.NONE, NOW, "new" + (i % 3), "v-" + i), 0);
        }
        long active = activeBase(log);

        log.compact(time.milliseconds());
        int deleted = log.deleteOldSegments();

        assertThat(deleted).isPositive();
        assertThat(log.logStartOffset()).isGreaterThanOrEqualTo(60);
        List<String> remaining = describe(log, log.logStartOffset());
        assertThat(remaining).noneMatch(line -> line.contains(" old"));
        Set<String> keysBelowActive = new HashSet<>();
        for (String line : remaining) {
            if (Long.parseLong(line.split(" ")[0]) < active) {
                assertThat(keysBelowActive.add(line.substring(line.indexOf(' ') + 1, line.indexOf('=')))).isTrue();
            }
        }
        log.close();
    }

    @Test
    void minCompactionLagKeepsRecentSegmentsDirty() {
        Log log = open(Map.of(LogConfig.MIN_COMPACTION_LAG_MS, "5000"));
        for (int i = 0; i < 60; i++) {
            log.append(keyed(Compression.NONE, NOW - 10_000, "k" + (i % 3), "old-" + i), 0);
        }
        long recentStart = log.logEndOffset();
        for (int i = 0; i < 60; i++) {
            log.append(keyed(Compression.NONE, NOW, "k" + (i % 3), "new-" + i), 0);
        }
        long firstRecentSegment = log.segmentBaseOffsets().stream().filter(b -> b >= recentStart).findFirst().orElseThrow();
        // The segment holding both old and new records is too young as a whole.
        long uncleanable = log.firstUncleanableOffset(time.milliseconds());
        assertThat(uncleanable).isLessThanOrEqualTo(firstRecentSegment).isLessThan(activeBase(log));
        List<String> before = describe(log, 0);

        CleanResult result = log.compact(time.milliseconds());

        assertThat(result.endOffset()).isEqualTo(uncleanable);
        assertThat(describe(log, 0)).containsExactlyElementsOf(expectedAfterCompaction(before, uncleanable));
        log.close();
    }
}
