package io.sluice.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Records;

/**
 * Reads a segment's batches a chunk at a time into one reusable buffer, each chunk ending on a batch
 * boundary; the buffer grows only when a single batch is larger than it.
 */
final class BatchChunkReader {
    interface ChunkConsumer {
        void accept(MemoryRecords chunk) throws IOException;
    }

    private ByteBuffer buffer;

    BatchChunkReader(int initialBytes) {
        this.buffer = ByteBuffer.allocate(initialBytes);
    }

    void forEachChunk(LogSegment segment, ChunkConsumer consumer) throws IOException {
        long size = segment.size();
        long position = 0;
        while (position < size) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), size - position));
            segment.readFully(buffer, position);
            buffer.flip();
            int whole = wholeBatchBytes(buffer);
            if (whole == 0) {
                int needed = buffer.remaining() < Records.LOG_OVERHEAD ? Integer.MAX_VALUE
                        : buffer.getInt(Records.SIZE_OFFSET) + Records.LOG_OVERHEAD;
                if (needed <= buffer.remaining() || needed > size - position) {
                    throw new CorruptRecordException("Unreadable batch at position " + position + " of " + segment.logFile());
                }
                buffer = ByteBuffer.allocate(needed);
                continue;
            }
            ByteBuffer chunk = buffer.duplicate();
            chunk.limit(whole);
            consumer.accept(MemoryRecords.readableRecords(chunk.slice()));
            position += whole;
        }
    }

    private static int wholeBatchBytes(ByteBuffer buffer) {
        int position = 0;
        while (buffer.limit() - position >= Records.LOG_OVERHEAD) {
            int batchSize = buffer.getInt(position + Records.SIZE_OFFSET) + Records.LOG_OVERHEAD;
            if (batchSize <= Records.LOG_OVERHEAD || position + batchSize > buffer.limit()) {
                break;
            }
            position += batchSize;
        }
        return position;
    }
}
