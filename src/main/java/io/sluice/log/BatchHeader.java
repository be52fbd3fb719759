package io.sluice.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.Records;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * A reusable cursor over the fixed 61-byte header of a magic v2 batch in a segment file, so that
 * scans (reads, recovery, producer state rebuild) never load record payloads.
 */
final class BatchHeader {
    static final int SIZE = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
    private static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    private static final int MAGIC_OFFSET = 16;
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int LAST_OFFSET_DELTA_OFFSET = 23;
    private static final int BASE_TIMESTAMP_OFFSET = 27;
    private static final int MAX_TIMESTAMP_OFFSET = 35;
    private static final int PRODUCER_ID_OFFSET = 43;
    private static final int PRODUCER_EPOCH_OFFSET = 51;
    private static final int BASE_SEQUENCE_OFFSET = 53;
    private static final int RECORDS_COUNT_OFFSET = 57;
    private static final int TRANSACTIONAL_FLAG = 0x10;
    private static final int CONTROL_FLAG = 0x20;
    /** Enough for a control record's length, attributes, deltas, 4-byte key and 6-byte marker value. */
    private static final int CONTROL_RECORD_PREFIX = 40;
    private static final int DELETE_HORIZON_FLAG = 0x40;

    private final ByteBuffer buffer = ByteBuffer.allocate(SIZE);
    private final ByteBuffer controlKey = ByteBuffer.allocate(CONTROL_RECORD_PREFIX);

    long baseOffset;
    /** Whole batch size including the 12-byte offset and length prefix. */
    int size;
    byte magic;
    /** The leader epoch that wrote the batch (-1 if never stamped). */
    int partitionLeaderEpoch;
    long lastOffset;
    long maxTimestamp;
    long producerId;
    short producerEpoch;
    int baseSequence;
    int lastSequence;
    int recordCount;
    boolean transactional;
    boolean control;
    /** For a control batch, the type in its record's key (0 abort, 1 commit), else -1. */
    short controlType;
    /** For a transaction marker, the epoch of the coordinator that wrote it, else -1. */
    int coordinatorEpoch;
    /** When compaction may drop this batch's tombstones, or -1 if no cleaning pass has set it yet. */
    long deleteHorizonMs;

    /**
     * Reads the header at the position. Returns false when the bytes up to the limit cannot hold a
     * whole, well-formed v2 header and batch (a torn or garbage tail).
     */
    boolean read(FileChannel channel, long position, long limit) throws IOException {
        if (limit - position < SIZE) {
            return false;
        }
        buffer.clear();
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                return false;
            }
        }
        baseOffset = buffer.getLong(0);
        int length = buffer.getInt(Records.SIZE_OFFSET);
        magic = buffer.get(MAGIC_OFFSET);
        if (magic != RecordBatch.MAGIC_VALUE_V2 || length < SIZE - Records.LOG_OVERHEAD
                || length > limit - position - Records.LOG_OVERHEAD || baseOffset < 0) {
            return false;
        }
        size = length + Records.LOG_OVERHEAD;
        partitionLeaderEpoch = buffer.getInt(PARTITION_LEADER_EPOCH_OFFSET);
        int lastOffsetDelta = buffer.getInt(LAST_OFFSET_DELTA_OFFSET);
        lastOffset = baseOffset + lastOffsetDelta;
        maxTimestamp = buffer.getLong(MAX_TIMESTAMP_OFFSET);
        producerId = buffer.getLong(PRODUCER_ID_OFFSET);
        producerEpoch = buffer.getShort(PRODUCER_EPOCH_OFFSET);
        baseSequence = buffer.getInt(BASE_SEQUENCE_OFFSET);
        lastSequence = baseSequence == RecordBatch.NO_SEQUENCE ? RecordBatch.NO_SEQUENCE
                : DefaultRecordBatch.incrementSequence(baseSequence, lastOffsetDelta);
        recordCount = buffer.getInt(RECORDS_COUNT_OFFSET);
        short attributes = buffer.getShort(ATTRIBUTES_OFFSET);
        transactional = (attributes & TRANSACTIONAL_FLAG) != 0;
        control = (attributes & CONTROL_FLAG) != 0;
        deleteHorizonMs = (attributes & DELETE_HORIZON_FLAG) != 0 ? buffer.getLong(BASE_TIMESTAMP_OFFSET)
                : RecordBatch.NO_TIMESTAMP;
        controlType = -1;
        coordinatorEpoch = -1;
        if (control && recordCount > 0) {
            readControlRecord(channel, position + SIZE, position + size);
        }
        return lastOffsetDelta >= 0;
    }

    /**
     * Reads the control record that starts at the position: a transaction marker's batch is never compressed, so
     * its one record's key (version, type) and value (version, coordinator epoch) sit just past the varints that
     * open the record.
     */
    private void readControlRecord(FileChannel channel, long position, long end) throws IOException {
        controlKey.clear().limit((int) Math.min(CONTROL_RECORD_PREFIX, end - position));
        while (controlKey.hasRemaining()) {
            if (channel.read(controlKey, position + controlKey.position()) < 0) {
                return;
            }
        }
        controlKey.flip();
        try {
            ByteUtils.readVarint(controlKey); // record length
            controlKey.get(); // attributes
            ByteUtils.readVarlong(controlKey); // timestamp delta
            ByteUtils.readVarint(controlKey); // offset delta
            if (ByteUtils.readVarint(controlKey) < 4) {
                return;
            }
            controlKey.getShort(); // key version
            controlType = controlKey.getShort();
            if (ByteUtils.readVarint(controlKey) >= 6) {
                controlKey.getShort(); // value version
                coordinatorEpoch = controlKey.getInt();
            }
        } catch (RuntimeException e) {
            // A short or odd record: what was read stands.
        }
    }
}
