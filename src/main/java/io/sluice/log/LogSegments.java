package io.sluice.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * A log's segments by base offset, oldest first: which segment holds an offset, which come after or below it, and
 * their sizes.
 *
 * <p>Threading: a concurrent sorted map, so readers look segments up without the log's lock while the log (under its
 * lock) adds and removes them; a reader may still use a segment just removed, whose files stay until they are retired.
 */
final class LogSegments {
    private final Path dir;
    private final ConcurrentSkipListMap<Long, LogSegment> byBase = new ConcurrentSkipListMap<>();

    LogSegments(Path dir) {
        this.dir = dir;
    }

    void add(LogSegment segment) {
        byBase.put(segment.baseOffset, segment);
    }

    /** Unlinks whatever segment is based at baseOffset. */
    void remove(long baseOffset) {
        byBase.remove(baseOffset);
    }

    /** Whether this very segment is (still) part of the log. */
    boolean contains(LogSegment segment) {
        return byBase.get(segment.baseOffset) == segment;
    }

    boolean isEmpty() {
        return byBase.isEmpty();
    }

    int count() {
        return byBase.size();
    }

    LogSegment first() {
        return byBase.firstEntry().getValue();
    }

    LogSegment last() {
        return byBase.lastEntry().getValue();
    }

    long firstBase() {
        return byBase.firstKey();
    }

    /** Every segment, oldest first (a live view). */
    Collection<LogSegment> all() {
        return byBase.values();
    }

    List<Long> baseOffsets() {
        return new ArrayList<>(byBase.keySet());
    }

    /** The segment that would hold offset (the last one based at or below it), or null. */
    LogSegment holding(long offset) {
        Map.Entry<Long, LogSegment> entry = byBase.floorEntry(offset);
        return entry == null ? null : entry.getValue();
    }

    /** The segment after this one, or null. */
    LogSegment after(LogSegment segment) {
        Map.Entry<Long, LogSegment> entry = byBase.higherEntry(segment.baseOffset);
        return entry == null ? null : entry.getValue();
    }

    /** Base offset of the segment after the one based at base, or null for the last. */
    Long nextBase(long base) {
        return byBase.higherKey(base);
    }

    /** The segments from the one holding offset onward (from the first if none holds it). */
    Collection<LogSegment> from(long offset) {
        Long floor = byBase.floorKey(offset);
        return byBase.tailMap(floor == null ? offset : floor).values();
    }

    /** The segments based at or after offset. */
    List<LogSegment> basedFrom(long offset) {
        return List.copyOf(byBase.tailMap(offset, true).values());
    }

    /** The segments based below offset, oldest first. */
    List<LogSegment> basedBelow(long offset) {
        return new ArrayList<>(byBase.headMap(offset).values());
    }

    /** The segments holding offsets from {@code from} (inclusive) up to the one based before {@code to}. */
    Collection<LogSegment> spanning(long from, long to) {
        Long floor = byBase.floorKey(from);
        return byBase.subMap(floor == null ? 0L : floor, true, to, false).values();
    }

    /** Total bytes of all segments. */
    long sizeInBytes() {
        long total = 0;
        for (LogSegment segment : byBase.values()) {
            total += segment.size();
        }
        return total;
    }

    /** Reads every batch header of every segment, oldest first, with one reused header (no record is read). */
    void forEachBatchHeader(String purpose, Consumer<BatchHeader> action) {
        BatchHeader header = new BatchHeader();
        try {
            for (LogSegment segment : byBase.values()) {
                long position = 0;
                int size = segment.size();
                while (header.read(segment.channel(), position, size)) {
                    action.accept(header);
                    position += header.size;
                }
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot scan " + dir + " for " + purpose, e);
        }
    }
}
