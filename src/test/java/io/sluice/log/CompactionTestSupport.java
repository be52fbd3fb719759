package io.sluice.log;

import static io.sluice.log.LogTestSupport.NOW;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;

/** Keyed records and what a compacted log should hold. */
final class CompactionTestSupport {
    private CompactionTestSupport() {
    }

    /** One record per key/value pair, in one batch; a null value is a tombstone. */
    static MemoryRecords keyed(Compression compression, long timestamp, String... keyValues) {
        SimpleRecord[] records = new SimpleRecord[keyValues.length / 2];
        for (int i = 0; i < records.length; i++) {
            String value = keyValues[2 * i + 1];
            records[i] = new SimpleRecord(timestamp, bytes(keyValues[2 * i]), value == null ? null : bytes(value));
        }
        return MemoryRecords.withRecords(compression, records);
    }

    static MemoryRecords keyed(String key, String value) {
        return keyed(Compression.NONE, NOW, key, value);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String key(Record record) {
        return text(record.key());
    }

    static String value(Record record) {
        return text(record.value());
    }

    /** "offset key=value" lines for every record from the offset on, tombstones as "key=null". */
    static List<String> describe(Log log, long from) {
        List<String> lines = new ArrayList<>();
        for (Record record : LogTestSupport.readAll(log, from)) {
            lines.add(record.offset() + " " + key(record) + "=" + value(record));
        }
        return lines;
    }

    /**
     * What compaction must leave of the records below cleanBelow: the latest record of each key
     * (among those below cleanBelow); records from cleanBelow on stay as they are.
     */
    static List<String> expectedAfterCompaction(List<String> before, long cleanBelow) {
        Map<String, Long> latest = new LinkedHashMap<>();
        for (String line : before) {
            long offset = Long.parseLong(line.substring(0, line.indexOf(' ')));
            if (offset < cleanBelow) {
                latest.put(keyOf(line), offset);
            }
        }
        List<String> expected = new ArrayList<>();
        for (String line : before) {
            long offset = Long.parseLong(line.substring(0, line.indexOf(' ')));
            if (offset >= cleanBelow || latest.get(keyOf(line)) == offset) {
                expected.add(line);
            }
        }
        return expected;
    }

    private static String keyOf(String line) {
        return line.substring(line.indexOf(' ') + 1, line.indexOf('='));
    }

    /** Every batch in the log, read back through the fetch path. */
    static List<RecordBatch> batches(Log log) {
        List<RecordBatch> result = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            LogReadInfo info = log.read(next, 1 << 20, true);
            if (info.slice().size() == 0) {
                break;
            }
            for (RecordBatch batch : LogTestSupport.read(info.slice()).batches()) {
                result.add(batch);
                next = batch.nextOffset();
            }
        }
        return result;
    }
}
