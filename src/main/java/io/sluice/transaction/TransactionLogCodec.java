package io.sluice.transaction;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * The records of __transaction_state in Kafka's format: the key is a version (0) and the transactional id; the value
 * (written as version 1, read as 0 or 1) the producer id and epoch, the timeout, the state id, the partitions by
 * topic, the two timestamps and, tagged, the previous and next producer ids. A tombstone (no value) removes an
 * expired transactional id. Stateless.
 */
final class TransactionLogCodec {
    private static final short KEY_VERSION = 0;
    private static final short VALUE_VERSION = 1;
    private static final int PREVIOUS_PRODUCER_ID_TAG = 0;
    private static final int NEXT_PRODUCER_ID_TAG = 1;

    private TransactionLogCodec() {
    }

    static byte[] encodeKey(String transactionalId) {
        byte[] id = transactionalId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + 2 + id.length).putShort(KEY_VERSION).putShort((short) id.length).put(id).array();
    }

    /** The transactional id of a key, or null for a key of another version. */
    static String decodeKey(ByteBuffer key) {
        ByteBuffer buffer = key.duplicate();
        if (buffer.remaining() < 4 || buffer.getShort() != KEY_VERSION) {
            return null;
        }
        return readString(buffer);
    }

    /**
     * Version 1 (flexible, Kafka 4.x's): the fields of version 0, with compact arrays and strings, then the tagged
     * PreviousProducerId (0) and NextProducerId (1) when set.
     */
    static byte[] encodeValue(TransactionMetadata metadata) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : metadata.partitions()) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        int size = 2 + 8 + 2 + 4 + 1 + 5 + 8 + 8 + 1 + 2 * (2 + 8);
        for (Map.Entry<String, List<Integer>> topic : byTopic.entrySet()) {
            size += 5 + topic.getKey().getBytes(StandardCharsets.UTF_8).length + 5 + 4 * topic.getValue().size() + 1;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putShort(VALUE_VERSION).putLong(metadata.producerId()).putShort(metadata.producerEpoch())
                .putInt(metadata.timeoutMs()).put(metadata.state().id());
        ByteUtils.writeUnsignedVarint(byTopic.size() + 1, buffer);
        for (Map.Entry<String, List<Integer>> topic : byTopic.entrySet()) {
            byte[] name = topic.getKey().getBytes(StandardCharsets.UTF_8);
            ByteUtils.writeUnsignedVarint(name.length + 1, buffer);
            buffer.put(name);
            ByteUtils.writeUnsignedVarint(topic.getValue().size() + 1, buffer);
            topic.getValue().forEach(buffer::putInt);
            ByteUtils.writeUnsignedVarint(0, buffer);
        }
        buffer.putLong(metadata.lastUpdateTimestamp()).putLong(metadata.txnStartTimestamp());
        boolean previous = metadata.previousProducerId() >= 0;
        boolean next = metadata.nextProducerId() >= 0;
        ByteUtils.writeUnsignedVarint((previous ? 1 : 0) + (next ? 1 : 0), buffer);
        if (previous) {
            ByteUtils.writeUnsignedVarint(PREVIOUS_PRODUCER_ID_TAG, buffer);
            ByteUtils.writeUnsignedVarint(8, buffer);
            buffer.putLong(metadata.previousProducerId());
        }
        if (next) {
            ByteUtils.writeUnsignedVarint(NEXT_PRODUCER_ID_TAG, buffer);
            ByteUtils.writeUnsignedVarint(8, buffer);
            buffer.putLong(metadata.nextProducerId());
        }
        return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** The metadata a value (version 0 or 1) holds, or null for a value of a version this broker does not read. */
    static TransactionMetadata decodeValue(String transactionalId, ByteBuffer value) {
        ByteBuffer buffer = value.duplicate();
        short version = buffer.getShort();
        if (version != 0 && version != 1) {
            return null;
        }
        boolean flexible = version >= 1;
        long producerId = buffer.getLong();
        short epoch = buffer.getShort();
        int timeoutMs = buffer.getInt();
        TransactionState state = TransactionState.forId(buffer.get());
        int topics = flexible ? ByteUtils.readUnsignedVarint(buffer) - 1 : buffer.getInt();
        Set<TopicPartition> partitions = new HashSet<>();
        for (int t = 0; t < topics; t++) {
            String topic = flexible ? readCompactString(buffer) : readString(buffer);
            int count = flexible ? ByteUtils.readUnsignedVarint(buffer) - 1 : buffer.getInt();
            for (int p = 0; p < count; p++) {
                partitions.add(new TopicPartition(topic, buffer.getInt()));
            }
            if (flexible) {
                skipTaggedFields(buffer);
            }
        }
        long lastUpdate = buffer.getLong();
        long start = buffer.getLong();
        long previousProducerId = -1;
        long nextProducerId = -1;
        if (flexible) {
            int tagged = ByteUtils.readUnsignedVarint(buffer);
            for (int i = 0; i < tagged; i++) {
                int tag = ByteUtils.readUnsignedVarint(buffer);
                int fieldSize = ByteUtils.readUnsignedVarint(buffer);
                if (tag == PREVIOUS_PRODUCER_ID_TAG) {
                    previousProducerId = buffer.getLong();
                } else if (tag == NEXT_PRODUCER_ID_TAG) {
                    nextProducerId = buffer.getLong();
                } else {
                    buffer.position(buffer.position() + fieldSize);
                }
            }
        }
        return new TransactionMetadata(transactionalId, producerId, epoch, (short) -1, timeoutMs, state, partitions,
                start, lastUpdate, previousProducerId, nextProducerId);
    }

    private static void skipTaggedFields(ByteBuffer buffer) {
        int tagged = ByteUtils.readUnsignedVarint(buffer);
        for (int i = 0; i < tagged; i++) {
            ByteUtils.readUnsignedVarint(buffer);
            int fieldSize = ByteUtils.readUnsignedVarint(buffer);
            buffer.position(buffer.position() + fieldSize);
        }
    }

    private static String readCompactString(ByteBuffer buffer) {
        int length = ByteUtils.readUnsignedVarint(buffer) - 1;
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String readString(ByteBuffer buffer) {
        short length = buffer.getShort();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
