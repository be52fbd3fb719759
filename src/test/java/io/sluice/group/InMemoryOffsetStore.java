package io.sluice.group;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;

/** The offset store for coordinator tests: in memory, and able to fail the next commit as a broken log would. */
public final class InMemoryOffsetStore implements OffsetStore {
    private final Map<String, Map<TopicPartition, CommittedOffset>> byGroup = new ConcurrentHashMap<>();
    private volatile boolean failNextCommit;

    void failNextCommit() {
        failNextCommit = true;
    }

    @Override
    public CompletableFuture<Void> commit(String groupId, Map<TopicPartition, CommittedOffset> offsets) {
        if (failNextCommit) {
            failNextCommit = false;
            return CompletableFuture.failedFuture(new NotEnoughReplicasException("log unavailable"));
        }
        byGroup.computeIfAbsent(groupId, id -> new ConcurrentHashMap<>()).putAll(offsets);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Map<TopicPartition, CommittedOffset> fetch(String groupId) {
        return new HashMap<>(byGroup.getOrDefault(groupId, Map.of()));
    }

    @Override
    public CompletableFuture<Void> delete(String groupId, Set<TopicPartition> partitions) {
        Map<TopicPartition, CommittedOffset> offsets = byGroup.get(groupId);
        if (offsets != null) {
            offsets.keySet().removeAll(partitions);
        }
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
