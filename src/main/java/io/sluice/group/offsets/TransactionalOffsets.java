package io.sluice.group.offsets;

import io.sluice.group.CommittedOffset;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * Offsets committed inside transactions (TxnOffsetCommit) whose transaction is not decided yet, by producer id and
 * group. They are in __consumer_offsets already, as transactional records; the COMMIT marker makes them the group's
 * committed offsets, the ABORT marker drops them. Until then OffsetFetch with require_stable answers
 * UNSTABLE_OFFSET_COMMIT for their partitions (KIP-447), so a new consumer does not start from an offset that may
 * still be rolled back.
 *
 * <p>Threading: changed by the events of the offsets partitions (one at a time per partition; a group belongs to
 * one partition); read by OffsetFetch from any thread.
 */
final class TransactionalOffsets {
    private final Map<Long, Map<String, Map<TopicPartition, CommittedOffset>>> byProducer = new ConcurrentHashMap<>();

    void add(long producerId, String groupId, Map<TopicPartition, CommittedOffset> offsets) {
        byProducer.computeIfAbsent(producerId, id -> new ConcurrentHashMap<>())
                .merge(groupId, Map.copyOf(offsets), (old, added) -> {
                    Map<TopicPartition, CommittedOffset> merged = new HashMap<>(old);
                    merged.putAll(added);
                    return Map.copyOf(merged);
                });
    }

    /** Removes and returns the producer's offsets for the groups the filter accepts (those of one partition). */
    Map<String, Map<TopicPartition, CommittedOffset>> complete(long producerId, Predicate<String> groups) {
        Map<String, Map<TopicPartition, CommittedOffset>> ofProducer = byProducer.get(producerId);
        Map<String, Map<TopicPartition, CommittedOffset>> completed = new HashMap<>();
        if (ofProducer == null) {
            return completed;
        }
        for (Iterator<Map.Entry<String, Map<TopicPartition, CommittedOffset>>> it = ofProducer.entrySet().iterator();
             it.hasNext(); ) {
            Map.Entry<String, Map<TopicPartition, CommittedOffset>> group = it.next();
            if (groups.test(group.getKey())) {
                completed.put(group.getKey(), group.getValue());
                it.remove();
            }
        }
        byProducer.remove(producerId, Map.of());
        return completed;
    }

    boolean isPending(String groupId, TopicPartition tp) {
        for (Map<String, Map<TopicPartition, CommittedOffset>> ofProducer : byProducer.values()) {
            Map<TopicPartition, CommittedOffset> group = ofProducer.get(groupId);
            if (group != null && group.containsKey(tp)) {
                return true;
            }
        }
        return false;
    }

    /** Drops the pending offsets of the groups the filter accepts (their partition is unloaded). */
    void forget(Predicate<String> groups) {
        byProducer.values().forEach(ofProducer -> ofProducer.keySet().removeIf(groups));
        byProducer.values().removeIf(Map::isEmpty);
    }

    /** Moves every producer's offsets into {@code into} (a load hands what it found still pending to the store). */
    void moveTo(TransactionalOffsets into) {
        byProducer.forEach((producerId, groups) -> groups.forEach((groupId, offsets) ->
                into.add(producerId, groupId, offsets)));
        byProducer.clear();
    }
}
