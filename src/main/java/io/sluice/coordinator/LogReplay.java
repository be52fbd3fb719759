package io.sluice.coordinator;

import io.sluice.log.FileSlice;
import io.sluice.log.Log;
import io.sluice.log.LogReadInfo;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Reads a coordinator partition's log from its start to its end, record by record, in offset order, as a coordinator
 * rebuilds its state when it takes the partition over. Stateless.
 */
public final class LogReplay {
    /** Read size per step; a larger first batch is still read whole. */
    private static final int READ_BYTES = 1024 * 1024;

    private LogReplay() {
    }

    /** What a replay feeds each record to, with its batch (a transaction's, or a control batch of markers). */
    @FunctionalInterface
    public interface RecordVisitor {
        void visit(RecordBatch batch, Record record);
    }

    /** Feeds every data record below the log end offset (as of the call) to the consumer; returns how many. */
    public static long replay(Log log, Consumer<Record> consumer) {
        return replay(log, (batch, record) -> {
            if (!batch.isControlBatch()) {
                consumer.accept(record);
            }
        });
    }

    /** Feeds every record, control records included, below the log end offset to the visitor; returns how many. */
    public static long replay(Log log, RecordVisitor visitor) {
        long end = log.logEndOffset();
        long next = log.logStartOffset();
        long count = 0;
        // Allocated on first need: most partitions of __consumer_offsets are empty, and a megabyte each for
        // fifty of them was most of a broker's start-up garbage.
        ByteBuffer buffer = null;
        while (next < end) {
            LogReadInfo info = log.read(next, READ_BYTES, true);
            FileSlice slice = info.slice();
            if (slice.size() == 0) {
                break;
            }
            if (buffer == null || buffer.capacity() < slice.size()) {
                buffer = ByteBuffer.allocate(slice.size());
            }
            buffer.clear().limit(slice.size());
            readFully(slice, buffer);
            buffer.flip();
            long before = next;
            for (RecordBatch batch : MemoryRecords.readableRecords(buffer).batches()) {
                if (batch.baseOffset() >= end) {
                    break;
                }
                for (Record record : batch) {
                    if (record.offset() >= next) {
                        visitor.visit(batch, record);
                        count++;
                    }
                }
                next = batch.nextOffset();
            }
            if (next == before) {
                throw new IllegalStateException("No complete batch at offset " + next + " of " + log.dir());
            }
        }
        return count;
    }

    private static void readFully(FileSlice slice, ByteBuffer buffer) {
        long position = slice.position();
        try {
            while (buffer.hasRemaining()) {
                int read = slice.channel().read(buffer, position);
                if (read < 0) {
                    throw new EOFException("Segment ended before the slice at " + slice.position() + "+" + slice.size());
                }
                position += read;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
