package io.sluice.log;

import io.sluice.testing.ManualTime;
import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogRecoveryTest {
    @TempDir
    Path root;
    final ManualTime time = new ManualTime(NOW);
    final LogTestSupport.ManualScheduler scheduler = new LogTestSupport.ManualScheduler();
    final LogConfig config = config(Map.of(LogConfig.INDEX_INTERVAL_BYTES, "100", LogConfig.SEGMENT_BYTES, "3000"));

    private Path dir() {
        return root.resolve("orders-3");
    }

    private Log openClean() {
        return Log.open(dir(), config, 0L, true, time, scheduler);
    }

    private Log openAfterCrash(long recoveryPoint) {
        return Log.open(dir(), config, recoveryPoint, false, time, scheduler);
    }

    private Log writeRecords(int batches) {
        Log log = openClean();
        for (int i = 0; i < batches; i++) {
            log.append(batch(NOW + i, "value-" + i), 0);
        }
        return log;
    }

    private Path lastLogFile(Log log) {
        long base = log.segmentBaseOffsets().get(log.numberOfSegments() - 1);
        return dir().resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX));
    }

    @Test
    void tornTailIsTruncatedAndEverythingBeforeItSurvives() throws IOException {
        Log log = writeRecords(100);
        Path last = lastLogFile(log);
        log.close();
        Files.write(last, new byte[] {0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 1, 0, 7, 7, 7}, StandardOpenOption.APPEND);

        Log reopened = openAfterCrash(0);

        assertThat(reopened.recoveryRan()).isTrue();
        assertThat(reopened.logEndOffset()).isEqualTo(100);
        assertThat(readAll(reopened, 0)).extracting(LogTestSupport::value)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).mapToObj(i -> "value-" + i).toList());
        assertThat(reopened.append(batch(NOW, "after"), 0).firstOffset()).isEqualTo(100);
        assertThat(readAll(reopened, 100)).extracting(LogTestSupport::value).containsExactly("after");
        reopened.close();
    }

    @Test
    void aCorruptBatchTruncatesTheLogThereAndDropsLaterSegments() throws IOException {
        Log log = writeRecords(100);
        assertThat(log.numberOfSegments()).isGreaterThan(2);
        long corruptSegment = log.segmentBaseOffsets().get(1);
        int batchSize = batch(NOW, "value-00").sizeInBytes();
        log.close();
        Path file = dir().resolve(LogSegment.fileName(corruptSegment, LogSegment.LOG_SUFFIX));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            // Flip a payload byte of the third batch of the segment: its CRC no longer matches.
            channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xFF}), 2L * batchSize + 70);
        }

        Log reopened = openAfterCrash(0);

        assertThat(reopened.logEndOffset()).isEqualTo(corruptSegment + 2);
        assertThat(reopened.segmentBaseOffsets()).containsExactly(0L, corruptSegment);
        assertThat(readAll(reopened, 0)).extracting(Record::offset).hasSize((int) corruptSegment + 2);
        assertThat(reopened.append(batch(NOW, "next"), 0).firstOffset()).isEqualTo(corruptSegment + 2);
        reopened.close();
    }

    @Test
    void segmentsBelowTheRecoveryPointAreNotScanned() throws IOException {
        Log log = writeRecords(100);
        long secondSegment = log.segmentBaseOffsets().get(1);
        int batchSize = batch(NOW, "value-00").sizeInBytes();
        log.close();
        Path first = dir().resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        try (FileChannel channel = FileChannel.open(first, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xFF}), batchSize + 70);
        }

        Log reopened = openAfterCrash(secondSegment);

        assertThat(reopened.recoveryRan()).isTrue();
        assertThat(reopened.logEndOffset()).isEqualTo(100);
        reopened.close();
    }

    @Test
    void deletedIndexFilesAreRebuiltAndLookupsStillWork() throws IOException {
        Log log = writeRecords(60);
        long lastBase = log.segmentBaseOffsets().get(log.numberOfSegments() - 1);
        TimestampOffset byTime = log.offsetForTimestamp(NOW + 10);
        log.close();
        Path index = dir().resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX));
        Path timeIndex = dir().resolve(LogSegment.fileName(0, LogSegment.TIME_INDEX_SUFFIX));
        long indexSize = Files.size(index);
        long timeIndexSize = Files.size(timeIndex);
        Files.delete(index);
        Files.delete(timeIndex);
        Files.write(dir().resolve(LogSegment.fileName(lastBase, LogSegment.INDEX_SUFFIX)), new byte[] {1, 2, 3},
                StandardOpenOption.APPEND);

        Log reopened = openClean();

        assertThat(reopened.recoveryRan()).isFalse();
        assertThat(Files.size(index)).isEqualTo(indexSize).isPositive();
        assertThat(Files.size(timeIndex)).isEqualTo(timeIndexSize).isPositive();
        assertThat(Files.size(dir().resolve(LogSegment.fileName(lastBase, LogSegment.INDEX_SUFFIX))) % 8).isZero();
        assertThat(reopened.offsetForTimestamp(NOW + 10)).isEqualTo(byTime);
        for (long offset = 0; offset < 60; offset++) {
            assertThat(readAll(reopened, offset).get(0).offset()).isEqualTo(offset);
        }
        reopened.close();
    }

    @Test
    void cleanShutdownTrustsTheFilesAndUncleanShutdownScansThem() {
        writeRecords(20).close();

        Log clean = openClean();
        assertThat(clean.recoveryRan()).isFalse();
        assertThat(clean.logEndOffset()).isEqualTo(20);
        assertThat(clean.maxTimestamp()).isEqualTo(new TimestampOffset(NOW + 19, 19));
        clean.close();

        Log unclean = openAfterCrash(0);
        assertThat(unclean.recoveryRan()).isTrue();
        assertThat(unclean.logEndOffset()).isEqualTo(20);
        assertThat(unclean.maxTimestamp()).isEqualTo(new TimestampOffset(NOW + 19, 19));
        unclean.close();
    }

    @Test
    void anEmptyDirectoryOpensAsAnEmptyLog() {
        Log log = openAfterCrash(0);
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.logStartOffset()).isZero();
        assertThat(log.read(0, 100, true).slice().size()).isZero();
        log.close();
    }
}
