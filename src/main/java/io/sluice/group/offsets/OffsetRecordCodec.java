package io.sluice.group.offsets;

import static io.sluice.group.offsets.RecordFields.getString;
import static io.sluice.group.offsets.RecordFields.putString;
import static io.sluice.group.offsets.RecordFields.utf8;

import io.sluice.group.CommittedOffset;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.TopicPartition;

/**
 * Binary form of one committed offset in __consumer_offsets. Key: version (int16), group id,
 * topic (int16-length UTF-8 strings), partition (int32). Value: version (int16), offset (int64),
 * leader epoch (int32), metadata (nullable string, length -1 for null), commit timestamp (int64),
 * expire timestamp (int64). The key version tells record kinds apart, so kinds this store does not
 * know (a later group-metadata record, say) are skipped on load instead of misread.
 */
final class OffsetRecordCodec {
    static final short OFFSET_KEY_VERSION = 1;
    static final short VALUE_VERSION = 0;

    /** A decoded key: whose offset on which partition. */
    record Key(String groupId, TopicPartition partition) {
    }

    private OffsetRecordCodec() {
    }

    static byte[] encodeKey(String groupId, TopicPartition tp) {
        byte[] group = utf8(groupId);
        byte[] topic = utf8(tp.topic());
        ByteBuffer buf = ByteBuffer.allocate(2 + 2 + group.length + 2 + topic.length + 4);
        buf.putShort(OFFSET_KEY_VERSION);
        putString(buf, group);
        putString(buf, topic);
        buf.putInt(tp.partition());
        return buf.array();
    }

    static byte[] encodeValue(CommittedOffset offset) {
        byte[] metadata = offset.metadata() == null ? null : utf8(offset.metadata());
        int metadataSize = metadata == null ? 0 : metadata.length;
        ByteBuffer buf = ByteBuffer.allocate(2 + 8 + 4 + 2 + metadataSize + 8 + 8);
        buf.putShort(VALUE_VERSION);
        buf.putLong(offset.offset());
        buf.putInt(offset.leaderEpoch());
        if (metadata == null) {
            buf.putShort((short) -1);
        } else {
            putString(buf, metadata);
        }
        buf.putLong(offset.commitTimestamp());
        buf.putLong(offset.expireTimestamp());
        return buf.array();
    }

    /** The key, or null when the record is of a kind this store does not keep. */
    static Key decodeKey(ByteBuffer key) {
        ByteBuffer buf = key.duplicate();
        try {
            if (buf.getShort() != OFFSET_KEY_VERSION) {
                return null;
            }
            String groupId = getString(buf);
            String topic = getString(buf);
            int partition = buf.getInt();
            return new Key(groupId, new TopicPartition(topic, partition));
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("Truncated offset commit key", e);
        }
    }

    static CommittedOffset decodeValue(ByteBuffer value) {
        ByteBuffer buf = value.duplicate();
        try {
            short version = buf.getShort();
            if (version != VALUE_VERSION) {
                throw new IllegalStateException("Unknown offset commit value version " + version);
            }
            long offset = buf.getLong();
            int leaderEpoch = buf.getInt();
            String metadata = getString(buf);
            long commitTimestamp = buf.getLong();
            long expireTimestamp = buf.getLong();
            return new CommittedOffset(offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp);
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("Truncated offset commit value", e);
        }
    }

}
