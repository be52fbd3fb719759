package io.sluice.share;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The in-flight window of a share-partition as ranges: offsets from the start offset (everything before it is
 * done) to the end offset (exclusive; nothing from there on has entered the window), every one of them in exactly
 * one range. Knows how to split and re-join ranges, not what the states mean: {@link SharePartition} decides every
 * change. Neighbouring ranges that differ only in offsets are always joined, so the number of ranges grows with
 * how differently records were treated, not with how many there are.
 *
 * <p>Confined to its share-partition's owner thread.
 */
final class InFlightRecords {
    private final NavigableMap<Long, InFlightRange> ranges = new TreeMap<>();
    private long startOffset;
    private long endOffset;

    InFlightRecords(long startOffset) {
        reset(startOffset);
    }

    long startOffset() {
        return startOffset;
    }

    long endOffset() {
        return endOffset;
    }

    /** Empties the window: it starts and ends at {@code offset}. */
    void reset(long offset) {
        ranges.clear();
        startOffset = offset;
        endOffset = offset;
    }

    /** Grows the window by a range that starts at the end offset. */
    void append(InFlightRange range) {
        if (range.first() != endOffset) {
            throw new IllegalArgumentException("Range " + range + " does not start at the end offset " + endOffset);
        }
        ranges.put(range.first(), range);
        endOffset = range.last() + 1;
        joinAround(range.first(), range.first());
    }

    /** The ranges, as they are now, that hold any offset of {@code first..last}. */
    List<InFlightRange> overlapping(long first, long last) {
        Long from = ranges.floorKey(first);
        List<InFlightRange> found = new ArrayList<>();
        for (InFlightRange range : ranges.subMap(from == null ? first : from, true, last, true).values()) {
            if (range.last() >= first) {
                found.add(range);
            }
        }
        return found;
    }

    /**
     * Replaces every offset of {@code first..last} (within the window) with what {@code change} makes of it. The
     * change sees the ranges cut to those bounds, in offset order, and must keep each one's bounds.
     */
    void update(long first, long last, UnaryOperator<InFlightRange> change) {
        if (first < startOffset || last >= endOffset || last < first) {
            throw new IllegalArgumentException("Offsets " + first + ".." + last + " are not all in the window "
                    + startOffset + ".." + endOffset);
        }
        splitAt(first);
        splitAt(last + 1);
        for (InFlightRange part : new ArrayList<>(ranges.subMap(first, true, last, true).values())) {
            InFlightRange changed = change.apply(part);
            if (changed.first() != part.first() || changed.last() != part.last()) {
                throw new IllegalStateException("A change moved " + part + " to " + changed);
            }
            ranges.put(part.first(), changed);
        }
        joinAround(first, last + 1);
    }

    /** Moves the start offset past the leading ranges in a final state, forgetting them. */
    void dropFinalPrefix() {
        while (!ranges.isEmpty() && ranges.firstEntry().getValue().state().isFinal()) {
            ranges.pollFirstEntry();
        }
        startOffset = ranges.isEmpty() ? endOffset : ranges.firstKey();
    }

    OptionalLong firstAvailableOffset() {
        for (InFlightRange range : ranges.values()) {
            if (range.state() == DeliveryState.AVAILABLE) {
                return OptionalLong.of(range.first());
            }
        }
        return OptionalLong.empty();
    }

    List<InFlightRange> ranges() {
        return List.copyOf(ranges.values());
    }

    private void splitAt(long offset) {
        if (offset <= startOffset || offset >= endOffset) {
            return;
        }
        Map.Entry<Long, InFlightRange> containing = ranges.floorEntry(offset);
        if (containing.getKey() == offset) {
            return;
        }
        InFlightRange range = containing.getValue();
        ranges.put(range.first(), range.withBounds(range.first(), offset - 1));
        ranges.put(offset, range.withBounds(offset, range.last()));
    }

    /** Joins what can be joined from the range before {@code from} through the range starting at {@code to}. */
    private void joinAround(long from, long to) {
        Long key = ranges.floorKey(from - 1);
        if (key == null) {
            key = ranges.ceilingKey(from);
            if (key == null) {
                return;
            }
        }
        InFlightRange current = ranges.get(key);
        for (Map.Entry<Long, InFlightRange> next = ranges.higherEntry(current.first());
             next != null && next.getKey() <= to;
             next = ranges.higherEntry(current.first())) {
            if (current.joinsWith(next.getValue())) {
                ranges.remove(next.getKey());
                current = current.withBounds(current.first(), next.getValue().last());
                ranges.put(current.first(), current);
            } else {
                current = next.getValue();
            }
        }
    }
}
