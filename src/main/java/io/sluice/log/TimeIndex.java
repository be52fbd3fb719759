package io.sluice.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Kafka's .timeindex: 12-byte entries of (max timestamp so far int64, offset relative to the segment
 * base int32). An entry is only added when the timestamp grows, so both columns are monotonic.
 */
final class TimeIndex extends IndexFile {
    static final int ENTRY_SIZE = 12;
    private final long baseOffset;

    TimeIndex(Path file, long baseOffset) {
        super(file, ENTRY_SIZE);
        this.baseOffset = baseOffset;
    }

    synchronized void maybeAppend(long timestamp, long offset) {
        int last = entries() - 1;
        if (last < 0 || timestamp > keyAt(last)) {
            append(timestamp, (int) (offset - baseOffset));
        }
    }

    /** Offset from which to scan for the first record with a timestamp at or after the target. */
    synchronized long lookup(long timestamp) {
        int slot = floorSlot(timestamp);
        return slot < 0 ? baseOffset : baseOffset + valueAt(slot);
    }

    synchronized TimestampOffset lastEntry() {
        int last = entries() - 1;
        return last < 0 ? null : new TimestampOffset(keyAt(last), baseOffset + valueAt(last));
    }

    @Override
    void write(ByteBuffer out, long key, int value) {
        out.putLong(key).putInt(value);
    }

    @Override
    long readKey(ByteBuffer in) {
        return in.getLong();
    }

    @Override
    int readValue(ByteBuffer in) {
        return in.getInt();
    }
}
