package io.sluice.group.consumer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The latest replicated value of each consumer group record key, as an offsets store keeps them so that a
 * coordinator taking over a partition (or undoing a write that failed) rebuilds its groups: per group, per record
 * type and member. Compaction keeps the same in the log.
 *
 * <p>Threading: thread-safe; a group's records are replaced as a whole, so readers see one write or the next.
 */
public final class StoredConsumerGroups {
    private record Key(ConsumerGroupRecord.Type type, String memberId) {
    }

    private static final Comparator<ConsumerGroupRecord> GROUP_LEVEL_FIRST = Comparator
            .comparing((ConsumerGroupRecord r) -> r.type().perMember())
            .thenComparing(r -> Objects.requireNonNullElse(r.memberId(), ""))
            .thenComparing(r -> r.type().id());

    private final Map<String, Map<Key, ConsumerGroupRecord>> byGroup = new ConcurrentHashMap<>();

    /** Applies records of one group in log order. */
    public void apply(String groupId, List<ConsumerGroupRecord> records) {
        byGroup.compute(groupId, (id, current) -> {
            Map<Key, ConsumerGroupRecord> next = current == null ? new HashMap<>() : new HashMap<>(current);
            for (ConsumerGroupRecord record : records) {
                Key key = new Key(record.type(), record.memberId());
                if (record instanceof ConsumerGroupRecord.Tombstone) {
                    next.remove(key);
                } else {
                    next.put(key, record);
                }
            }
            return next.isEmpty() ? null : next;
        });
    }

    public void apply(ConsumerGroupRecord record) {
        apply(record.groupId(), List.of(record));
    }

    /** The group's records, group-level ones first; empty if none. */
    public List<ConsumerGroupRecord> of(String groupId) {
        Map<Key, ConsumerGroupRecord> records = byGroup.get(groupId);
        if (records == null) {
            return List.of();
        }
        List<ConsumerGroupRecord> sorted = new ArrayList<>(records.values());
        sorted.sort(GROUP_LEVEL_FIRST);
        return sorted;
    }

    public Map<String, List<ConsumerGroupRecord>> matching(Predicate<String> groupIds) {
        Map<String, List<ConsumerGroupRecord>> result = new HashMap<>();
        for (String groupId : byGroup.keySet()) {
            if (groupIds.test(groupId)) {
                List<ConsumerGroupRecord> records = of(groupId);
                if (!records.isEmpty()) {
                    result.put(groupId, records);
                }
            }
        }
        return result;
    }

    public void remove(String groupId) {
        byGroup.remove(groupId);
    }

    public void forget(Predicate<String> groupIds) {
        byGroup.keySet().removeIf(groupIds);
    }
}
