package io.sluice.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;

/** Shared fixtures: a manual clock, a manual scheduler and record helpers. */
final class LogTestSupport {
    private LogTestSupport() {
    }

    /** Queues tasks and runs them only when told, ignoring delays. */
    static final class ManualScheduler implements Scheduler {
        final List<Runnable> tasks = new ArrayList<>();
        final List<Long> delays = new ArrayList<>();

        @Override
        public synchronized void schedule(String name, long delayMs, Runnable task) {
            tasks.add(task);
            delays.add(delayMs);
        }

        synchronized void runAll() {
            List<Runnable> due = new ArrayList<>(tasks);
            tasks.clear();
            delays.clear();
            due.forEach(Runnable::run);
        }
    }

    static final long NOW = 1_700_000_000_000L;

    static LogConfig config(Map<String, String> overrides) {
        return LogConfig.of(overrides, Map.of());
    }

    static Log open(Path dir, LogConfig config, Time time, Scheduler scheduler) {
        return Log.open(dir, config, 0L, false, time, scheduler);
    }

    static SimpleRecord record(long timestamp, String value) {
        return new SimpleRecord(timestamp, ("k-" + value).getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    static MemoryRecords batch(long timestamp, String... values) {
        return batch(Compression.NONE, timestamp, values);
    }

    static MemoryRecords batch(Compression compression, long timestamp, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = record(timestamp + i, values[i]);
        }
        return MemoryRecords.withRecords(compression, records);
    }

    static MemoryRecords idempotent(long producerId, short epoch, int firstSeq, long timestamp, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = record(timestamp, values[i]);
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, firstSeq, records);
    }

    static MemoryRecords read(FileSlice slice) {
        ByteBuffer buffer = ByteBuffer.allocate(slice.size());
        try {
            long position = slice.position();
            while (buffer.hasRemaining()) {
                int n = slice.channel().read(buffer, position);
                if (n < 0) {
                    throw new IOException("eof");
                }
                position += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }

    /** Every record from the offset to the end of the log, following the slices. */
    static List<Record> readAll(Log log, long from) {
        List<Record> result = new ArrayList<>();
        long next = from;
        while (next < log.logEndOffset()) {
            LogReadInfo info = log.read(next, 1 << 20, true);
            for (RecordBatch batch : read(info.slice()).batches()) {
                for (Record record : batch) {
                    if (record.offset() >= next) {
                        result.add(record);
                    }
                }
                next = batch.nextOffset();
            }
        }
        return result;
    }

    static String value(Record record) {
        ByteBuffer value = record.value().duplicate();
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
