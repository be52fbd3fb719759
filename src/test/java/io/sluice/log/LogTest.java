package io.sluice.log;

import io.sluice.testing.ManualTime;
import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.open;
import static io.sluice.log.LogTestSupport.read;
import static io.sluice.log.LogTestSupport.readAll;
import static io.sluice.log.LogTestSupport.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogTest {
    @TempDir
    Path dir;
    final ManualTime time = new ManualTime(NOW);
    final LogTestSupport.ManualScheduler scheduler = new LogTestSupport.ManualScheduler();
    Log log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private Log newLog(Map<String, String> overrides) {
        log = open(dir.resolve("t-0"), config(overrides), time, scheduler);
        return log;
    }

    @Test
    void appendAssignsConsecutiveOffsetsAndReadReturnsThem() {
        newLog(Map.of());
        LogAppendInfo first = log.append(batch(NOW, "a", "b", "c"), 7);
        LogAppendInfo second = log.append(batch(NOW, "d"), 7);

        assertThat(first.firstOffset()).isEqualTo(0);
        assertThat(first.lastOffset()).isEqualTo(2);
        assertThat(first.duplicate()).isFalse();
        assertThat(first.logAppendTime()).isEqualTo(-1);
        assertThat(second.firstOffset()).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(4);

        LogReadInfo info = log.read(0, 1 << 20, true);
        List<RecordBatch> batches = new ArrayList<>();
        read(info.slice()).batches().forEach(batches::add);
        assertThat(batches).hasSize(2);
        assertThat(batches.get(0).baseOffset()).isEqualTo(0);
        assertThat(batches.get(0).partitionLeaderEpoch()).isEqualTo(7);
        assertThat(batches.get(1).baseOffset()).isEqualTo(3);
        assertThat(batches).allMatch(RecordBatch::isValid);
        assertThat(readAll(log, 0)).extracting(LogTestSupport::value).containsExactly("a", "b", "c", "d");
        assertThat(readAll(log, 0)).extracting(Record::offset).containsExactly(0L, 1L, 2L, 3L);
        assertThat(info.logEndOffset()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4", "zstd", "snappy"})
    void compressedBatchesAreStoredExactlyAsSent(String codec) {
        newLog(Map.of());
        log.append(batch(NOW, "x"), 0);
        Compression compression = switch (codec) {
            case "gzip" -> Compression.gzip().build();
            case "lz4" -> Compression.lz4().build();
            case "zstd" -> Compression.zstd().build();
            default -> Compression.snappy().build();
        };
        MemoryRecords sent = batch(compression, NOW, "p", "q", "r");
        ByteBuffer payloadBefore = sent.buffer().duplicate();
        payloadBefore.position(61);
        ByteBuffer copyOfPayload = ByteBuffer.allocate(payloadBefore.remaining()).put(payloadBefore).flip();

        log.append(sent, 0);

        LogReadInfo info = log.read(1, 1 << 20, true);
        RecordBatch stored = read(info.slice()).batches().iterator().next();
        assertThat(stored.compressionType().name).isEqualTo(codec);
        assertThat(stored.baseOffset()).isEqualTo(1);
        assertThat(stored.isValid()).isTrue();
        ByteBuffer storedPayload = read(info.slice()).buffer();
        storedPayload.position(61);
        assertThat(storedPayload).isEqualTo(copyOfPayload);
        assertThat(readAll(log, 1)).extracting(LogTestSupport::value).containsExactly("p", "q", "r");
        assertThat(readAll(log, 2)).extracting(Record::offset).containsExactly(2L, 3L);
    }

    @Test
    void readAtLogEndIsEmptyAndOutsideTheLogIsOutOfRange() {
        newLog(Map.of());
        log.append(batch(NOW, "a", "b"), 0);

        LogReadInfo atEnd = log.read(2, 1000, true);
        assertThat(atEnd.slice().size()).isZero();
        assertThat(atEnd.logEndOffset()).isEqualTo(2);
        assertThatThrownBy(() -> log.read(3, 1000, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThatThrownBy(() -> log.read(-1, 1000, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void readRespectsMaxBytesButReturnsOneBatchWhenAsked() {
        newLog(Map.of());
        int size = batch(NOW, "0123456789").sizeInBytes();
        for (int i = 0; i < 5; i++) {
            log.append(batch(NOW, "0123456789"), 0);
        }
        assertThat(log.read(0, size * 2 + 10, false).slice().size()).isEqualTo(size * 2);
        assertThat(log.read(0, 10, false).slice().size()).isZero();
        assertThat(log.read(0, 10, true).slice().size()).isEqualTo(size);
        assertThat(log.read(3, 1 << 20, false).slice().size()).isEqualTo(size * 2);
    }

    @Test
    void indexLookupLandsOnTheBatchHoldingTheOffsetAmongManyBatches() {
        newLog(Map.of(LogConfig.INDEX_INTERVAL_BYTES, "200"));
        for (int i = 0; i < 500; i++) {
            log.append(batch(NOW + i, "v" + (2 * i), "v" + (2 * i + 1)), 0);
        }
        for (long offset = 0; offset < 1000; offset += 7) {
            RecordBatch first = read(log.read(offset, 1, true).slice()).batches().iterator().next();
            assertThat(first.baseOffset()).isLessThanOrEqualTo(offset);
            assertThat(first.lastOffset()).isGreaterThanOrEqualTo(offset);
        }
        assertThat(dir.resolve("t-0").resolve(LogSegment.fileName(0, ".index")).toFile().length())
                .isGreaterThan(0).matches(length -> length % 8 == 0);
        assertThat(dir.resolve("t-0").resolve(LogSegment.fileName(0, ".timeindex")).toFile().length())
                .isGreaterThan(0).matches(length -> length % 12 == 0);
    }

    @Test
    void rollsANewSegmentWhenTheActiveOneIsFull() {
        int size = batch(NOW, "0123456789").sizeInBytes();
        newLog(Map.of(LogConfig.SEGMENT_BYTES, String.valueOf(size * 3)));
        for (int i = 0; i < 7; i++) {
            log.append(batch(NOW, "0123456789"), 0);
        }
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 3L, 6L);
        assertThat(readAll(log, 0)).hasSize(7);
        assertThat(read(log.read(4, 1 << 20, true).slice()).batches().iterator().next().baseOffset()).isEqualTo(4);
    }

    @Test
    void rollsANewSegmentWhenTheActiveOneIsOlderThanSegmentMs() {
        newLog(Map.of(LogConfig.SEGMENT_MS, "1000"));
        log.append(batch(NOW, "a"), 0);
        time.advance(500);
        log.append(batch(NOW + 500, "b"), 0);
        assertThat(log.numberOfSegments()).isEqualTo(1);
        time.advance(600);
        log.append(batch(NOW + 1100, "c"), 0);
        assertThat(log.segmentBaseOffsets()).containsExactly(0L, 2L);
    }

    @Test
    void rejectsACorruptBatchAndWritesNothingFromTheRequest() {
        newLog(Map.of());
        log.append(batch(NOW, "a"), 0);
        MemoryRecords good = batch(NOW, "b");
        MemoryRecords bad = batch(NOW, "c");
        bad.buffer().put(bad.buffer().limit() - 1, (byte) 'X');
        ByteBuffer both = ByteBuffer.allocate(good.sizeInBytes() + bad.sizeInBytes());
        both.put(good.buffer().duplicate()).put(bad.buffer().duplicate()).flip();

        assertThatThrownBy(() -> log.append(MemoryRecords.readableRecords(both), 0))
                .isInstanceOf(CorruptRecordException.class);
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(log.size()).isEqualTo(batch(NOW, "a").sizeInBytes());
        assertThat(log.append(batch(NOW, "d"), 0).firstOffset()).isEqualTo(1);
    }

    @Test
    void rejectsABatchLargerThanMaxMessageBytes() {
        newLog(Map.of(LogConfig.MAX_MESSAGE_BYTES, "100"));
        assertThatThrownBy(() -> log.append(batch(NOW, "x".repeat(200)), 0))
                .isInstanceOf(RecordTooLargeException.class).hasMessageContaining("100");
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.size()).isZero();
    }

    @Test
    void rejectsBatchesOlderThanMagicV2() {
        newLog(Map.of());
        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE,
                new SimpleRecord(NOW, "a".getBytes()));
        assertThatThrownBy(() -> log.append(v1, 0)).isInstanceOf(InvalidRecordException.class);
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void rejectsCreateTimeTimestampsTooFarInTheFutureOrPast() {
        newLog(Map.of(LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "1000"));
        assertThatThrownBy(() -> log.append(batch(NOW + 3_600_001, "future"), 0))
                .isInstanceOf(InvalidTimestampException.class);
        assertThatThrownBy(() -> log.append(batch(Compression.gzip().build(), NOW - 5000, "past"), 0))
                .isInstanceOf(InvalidTimestampException.class);
        assertThat(log.append(batch(NOW - 500, "ok"), 0).firstOffset()).isZero();
    }

    @Test
    void logAppendTimeOverwritesTheBatchTimestamp() {
        newLog(Map.of(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime"));
        LogAppendInfo info = log.append(batch(Compression.lz4().build(), 5L, "a", "b"), 0);
        assertThat(info.logAppendTime()).isEqualTo(NOW);
        RecordBatch stored = read(log.read(0, 1 << 20, true).slice()).batches().iterator().next();
        assertThat(stored.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(stored.maxTimestamp()).isEqualTo(NOW);
        assertThat(stored.isValid()).isTrue();
        assertThat(readAll(log, 0)).extracting(Record::timestamp).containsOnly(NOW);
    }

    @Test
    void findsOffsetsByTimestampAndTheMaximumTimestamp() {
        newLog(Map.of(LogConfig.INDEX_INTERVAL_BYTES, "100", LogConfig.SEGMENT_BYTES, "2000"));
        for (int i = 0; i < 100; i++) {
            // Timestamps 10 apart per batch: batch i holds records at NOW + 10i and NOW + 10i + 1.
            log.append(batch(NOW + 10L * i, "a" + i, "b" + i), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(1);
        assertThat(log.offsetForTimestamp(NOW)).isEqualTo(new TimestampOffset(NOW, 0));
        assertThat(log.offsetForTimestamp(NOW + 501)).isEqualTo(new TimestampOffset(NOW + 501, 101));
        assertThat(log.offsetForTimestamp(NOW + 502)).isEqualTo(new TimestampOffset(NOW + 510, 102));
        assertThat(log.offsetForTimestamp(NOW + 991)).isEqualTo(new TimestampOffset(NOW + 991, 199));
        assertThat(log.offsetForTimestamp(NOW + 992)).isNull();
        assertThat(log.maxTimestamp()).isEqualTo(new TimestampOffset(NOW + 991, 199));

        log.append(batch(NOW + 5000, "max", "after"), 0);
        log.append(batch(NOW + 1000, "later"), 0);
        assertThat(log.maxTimestamp()).isEqualTo(new TimestampOffset(NOW + 5001, 201));
    }

    @Test
    void flushMessagesForcesTheLogToDiskAndAdvancesTheRecoveryPoint() {
        newLog(Map.of(LogConfig.FLUSH_MESSAGES, "3"));
        log.append(batch(NOW, "a", "b"), 0);
        assertThat(log.recoveryPoint()).isZero();
        log.append(batch(NOW, "c"), 0);
        assertThat(log.recoveryPoint()).isEqualTo(3);
    }

    @Test
    void flushMsFlushesOnlyOnceTheIntervalHasPassed() {
        newLog(Map.of(LogConfig.FLUSH_MS, "1000"));
        log.append(batch(NOW, "a"), 0);
        log.flushIfDue(time.milliseconds() + 999);
        assertThat(log.recoveryPoint()).isZero();
        log.flushIfDue(time.milliseconds() + 1000);
        assertThat(log.recoveryPoint()).isEqualTo(1);
    }

    @Test
    void maxTimestampOfAnEmptyLogIsNull() {
        newLog(Map.of());
        assertThat(log.maxTimestamp()).isNull();
        assertThat(log.offsetForTimestamp(0)).isNull();
    }

    @Test
    void concurrentReadsNeverSeePartialBatches() throws Exception {
        newLog(Map.of(LogConfig.SEGMENT_BYTES, "20000", LogConfig.INDEX_INTERVAL_BYTES, "300"));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!done.get()) {
                    long end = log.logEndOffset();
                    long from = end == 0 ? 0 : (end * 7919) % end;
                    LogReadInfo info = log.read(from, 5000, true);
                    long expected = -1;
                    for (RecordBatch batch : read(info.slice()).batches()) {
                        if (!batch.isValid()) {
                            throw new AssertionError("partial or corrupt batch at " + batch.baseOffset());
                        }
                        if (expected >= 0 && batch.baseOffset() != expected) {
                            throw new AssertionError("gap at " + batch.baseOffset());
                        }
                        expected = batch.nextOffset();
                    }
                    if (read(info.slice()).validBytes() != info.slice().size()) {
                        throw new AssertionError("slice ends inside a batch");
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        for (int i = 0; i < 3000; i++) {
            log.append(batch(NOW, "value-" + i, "other-" + i), 0);
        }
        done.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(readAll(log, 0)).hasSize(6000);
    }
}
