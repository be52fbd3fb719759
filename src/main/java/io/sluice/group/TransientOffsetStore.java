package io.sluice.group;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Committed offsets kept ONLY in memory: they are lost when the broker stops. This stands in for the
 * log-backed store (offsets as records in __consumer_offsets) until that store is wired into the server, and is
 * replaced by it then. Thread-safe; every operation completes immediately.
 */
public final class TransientOffsetStore implements OffsetStore {
    private final Map<String, Map<TopicPartition, CommittedOffset>> byGroup = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Void> commit(String groupId, Map<TopicPartition, CommittedOffset> offsets) {
        byGroup.computeIfAbsent(groupId, id -> new ConcurrentHashMap<>()).putAll(offsets);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Map<TopicPartition, CommittedOffset> fetch(String groupId) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(groupId);
        return offsets == null ? Map.of() : new HashMap<>(offsets);
    }

    @Override
    public CompletableFuture<Void> delete(String groupId, Set<TopicPartition> partitions) {
        byGroup.computeIfPresent(groupId, (id, offsets) -> {
            offsets.keySet().removeAll(partitions);
            return offsets.isEmpty() ? null : offsets;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteGroup(String groupId) {
        byGroup.remove(groupId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<String> groups() {
        return Set.copyOf(byGroup.keySet());
    }
}
