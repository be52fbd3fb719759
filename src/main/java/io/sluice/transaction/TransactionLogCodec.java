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

/**
 * The records of __transaction_state in Kafka's format: the key is a version (0) and the transactional id; the value
 * (version 0) the producer id and epoch, the timeout, the state id, the partitions by topic and the two timestamps.
 * A tombstone (no value) removes an expired transactional id. Stateless.
 */
final class TransactionLogCodec {
    private static final short KEY_VERSION = 0;
    private static final short VALUE_VERSION = 0;

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

    static byte[] encodeValue(TransactionMetadata metadata) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : metadata.partitions()) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        int size = 2 + 8 + 2 + 4 + 1 + 4 + 8 + 8;
        for (Map.Entry<String, List<Integer>> topic : byTopic.entrySet()) {
            size += 2 + topic.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + 4 * topic.getValue().size();
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putShort(VALUE_VERSION).putLong(metadata.producerId()).putShort(metadata.producerEpoch())
                .putInt(metadata.timeoutMs()).put(metadata.state().id()).putInt(byTopic.size());
        for (Map.Entry<String, List<Integer>> topic : byTopic.entrySet()) {
            byte[] name = topic.getKey().getBytes(StandardCharsets.UTF_8);
            buffer.putShort((short) name.length).put(name).putInt(topic.getValue().size());
            topic.getValue().forEach(buffer::putInt);
        }
        buffer.putLong(metadata.lastUpdateTimestamp()).putLong(metadata.txnStartTimestamp());
        return buffer.array();
    }

    /** The metadata a value holds, or null for a value of a version this broker does not read. */
    static TransactionMetadata decodeValue(String transactionalId, ByteBuffer value) {
        ByteBuffer buffer = value.duplicate();
        if (buffer.getShort() != VALUE_VERSION) {
            return null;
        }
        long producerId = buffer.getLong();
        short epoch = buffer.getShort();
        int timeoutMs = buffer.getInt();
        TransactionState state = TransactionState.forId(buffer.get());
        int topics = buffer.getInt();
        Set<TopicPartition> partitions = new HashSet<>();
        for (int t = 0; t < topics; t++) {
            String topic = readString(buffer);
            int count = buffer.getInt();
            for (int p = 0; p < count; p++) {
                partitions.add(new TopicPartition(topic, buffer.getInt()));
            }
        }
        long lastUpdate = buffer.getLong();
        long start = buffer.getLong();
        return new TransactionMetadata(transactionalId, producerId, epoch, (short) -1, timeoutMs, state, partitions,
                start, lastUpdate);
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
