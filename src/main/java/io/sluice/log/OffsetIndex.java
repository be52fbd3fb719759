package io.sluice.log;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Kafka's .index: 8-byte entries of (offset relative to the segment base int32, file position int32). */
final class OffsetIndex extends IndexFile {
    static final int ENTRY_SIZE = 8;
    private final long baseOffset;

    OffsetIndex(Path file, long baseOffset) {
        super(file, ENTRY_SIZE);
        this.baseOffset = baseOffset;
    }

    void appendOffset(long offset, int position) {
        append(offset - baseOffset, position);
    }

    /** File position of the last indexed batch at or before the offset, or 0. */
    int lookup(long offset) {
        int slot = floorSlot(offset - baseOffset);
        return slot < 0 ? 0 : valueAt(slot);
    }

    @Override
    void write(ByteBuffer out, long key, int value) {
        out.putInt((int) key).putInt(value);
    }

    @Override
    long readKey(ByteBuffer in) {
        return in.getInt();
    }

    @Override
    int readValue(ByteBuffer in) {
        return in.getInt();
    }
}
