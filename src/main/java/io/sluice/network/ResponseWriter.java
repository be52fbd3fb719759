package io.sluice.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * Serialises one size-prefixed response frame into Netty objects: scalar fields go into pooled
 * buffers, record sets are appended as they are (a wrapped buffer for in-memory records, a file
 * region for segment slices), so fetched data is never copied through the JVM heap.
 */
final class ResponseWriter implements Writable {
    private final ByteBufAllocator allocator;
    private final List<Object> parts = new ArrayList<>(4);
    private ByteBuf current;

    private ResponseWriter(ByteBufAllocator allocator, int initialCapacity) {
        this.allocator = allocator;
        this.current = allocator.buffer(initialCapacity);
    }

    /** The frame as parts to write in order; the caller owns (and must write or release) them. */
    static List<Object> frame(ByteBufAllocator allocator, Response.Send send) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        MessageSizeAccumulator headerSize = new MessageSizeAccumulator();
        send.header().addSize(headerSize, cache, send.headerVersion());
        MessageSizeAccumulator bodySize = new MessageSizeAccumulator();
        send.body().addSize(bodySize, cache, send.bodyVersion());
        int frameSize = headerSize.totalSize() + bodySize.totalSize();
        int inlineBytes = 4 + headerSize.totalSize() + bodySize.sizeExcludingZeroCopy();

        ResponseWriter writer = new ResponseWriter(allocator, inlineBytes);
        try {
            writer.writeInt(frameSize);
            send.header().write(writer, cache, send.headerVersion());
            send.body().write(writer, cache, send.bodyVersion());
            return writer.finish();
        } catch (RuntimeException e) {
            writer.discard();
            throw e;
        }
    }

    private void discard() {
        parts.forEach(ReferenceCountUtil::release);
        parts.clear();
        current.release();
    }

    private List<Object> finish() {
        if (current.isReadable()) {
            parts.add(current);
        } else {
            current.release();
        }
        current = null;
        return parts;
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof FileSliceRecords fileRecords) {
            if (fileRecords.sizeInBytes() == 0) {
                return;
            }
            cutCurrent();
            var slice = fileRecords.slice();
            parts.add(new SegmentFileRegion(slice.channel(), slice.position(), slice.size()));
        } else if (records instanceof MemoryRecords memoryRecords) {
            ByteBuffer buffer = memoryRecords.buffer().duplicate();
            if (buffer.remaining() < 1024) {
                current.writeBytes(buffer);
            } else {
                cutCurrent();
                parts.add(Unpooled.wrappedBuffer(buffer));
            }
        } else {
            throw new IllegalArgumentException("Unsupported records type " + records.getClass().getName());
        }
    }

    private void cutCurrent() {
        if (current.isReadable()) {
            parts.add(current);
            current = allocator.buffer(256);
        }
    }

    @Override public void writeByte(byte val) { current.writeByte(val); }
    @Override public void writeShort(short val) { current.writeShort(val); }
    @Override public void writeInt(int val) { current.writeInt(val); }
    @Override public void writeLong(long val) { current.writeLong(val); }
    @Override public void writeDouble(double val) { current.writeDouble(val); }
    @Override public void writeByteArray(byte[] arr) { current.writeBytes(arr); }
    @Override public void writeByteBuffer(ByteBuffer buf) { current.writeBytes(buf.duplicate()); }

    @Override
    public void writeUuid(Uuid uuid) {
        current.writeLong(uuid.getMostSignificantBits());
        current.writeLong(uuid.getLeastSignificantBits());
    }

    @Override
    public void writeUnsignedVarint(int i) {
        while ((i & 0xffffff80) != 0) {
            current.writeByte((i & 0x7f) | 0x80);
            i >>>= 7;
        }
        current.writeByte(i);
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long v) {
        long value = (v << 1) ^ (v >> 63);
        while ((value & 0xffffffffffffff80L) != 0L) {
            current.writeByte(((int) value & 0x7f) | 0x80);
            value >>>= 7;
        }
        current.writeByte((int) value);
    }

}
