package io.sluice.group;

import io.sluice.coordinator.TxnMarker;
import io.sluice.group.consumer.ConsumerGroupRecord;
import io.sluice.group.consumer.StoredConsumerGroups;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;

/** The offset store for coordinator tests: in memory, and able to fail the next commit as a broken log would. */
public final class InMemoryOffsetStore implements OffsetStore {
    private final Map<String, Map<TopicPartition, CommittedOffset>> byGroup = new ConcurrentHashMap<>();
    private final Map<String, GroupMetadata> groupMetadata = new ConcurrentHashMap<>();
    private final StoredConsumerGroups consumerGroups = new StoredConsumerGroups();
    private final Map<Long, Map<String, Map<TopicPartition, CommittedOffset>>> pendingByProducer =
            new ConcurrentHashMap<>();
    private volatile boolean failNextCommit;
    private volatile boolean failNextGroupStore;

    void failNextCommit() {
        failNextCommit = true;
    }

    private volatile CompletableFuture<Void> nextGroupStoreGate;

    void failNextGroupStore() {
        failNextGroupStore = true;
    }

    /** The next group store completes (and is visible) only once the returned gate completes, as replication would. */
    CompletableFuture<Void> holdNextGroupStore() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        nextGroupStoreGate = gate;
        return gate;
    }

    /** The group's stored metadata, or null. */
    GroupMetadata storedGroup(String groupId) {
        return groupMetadata.get(groupId);
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
    public CompletableFuture<Void> commitTransactional(String groupId, long producerId, short producerEpoch,
                                                       Map<TopicPartition, CommittedOffset> offsets) {
        pendingByProducer.computeIfAbsent(producerId, id -> new ConcurrentHashMap<>())
                .computeIfAbsent(groupId, id -> new ConcurrentHashMap<>()).putAll(offsets);
        return CompletableFuture.completedFuture(null);
    }

    /** Ends the producer's transaction in every group, whatever the partition: one partition in memory. */
    @Override
    public CompletableFuture<Void> completeTransaction(int partition, TxnMarker marker) {
        Map<String, Map<TopicPartition, CommittedOffset>> pending = pendingByProducer.remove(marker.producerId());
        if (pending != null && marker.commit()) {
            pending.forEach((groupId, offsets) -> byGroup.computeIfAbsent(groupId, id -> new ConcurrentHashMap<>())
                    .putAll(offsets));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean hasPendingTransactionalOffset(String groupId, TopicPartition tp) {
        return pendingByProducer.values().stream().anyMatch(groups -> groups.getOrDefault(groupId, Map.of())
                .containsKey(tp));
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
        groupMetadata.remove(groupId);
        consumerGroups.remove(groupId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> storeGroup(GroupMetadata group) {
        if (failNextGroupStore) {
            failNextGroupStore = false;
            return CompletableFuture.failedFuture(new NotEnoughReplicasException("log unavailable"));
        }
        CompletableFuture<Void> gate = nextGroupStoreGate;
        if (gate != null) {
            nextGroupStoreGate = null;
            return gate.thenRun(() -> groupMetadata.put(group.groupId(), group));
        }
        groupMetadata.put(group.groupId(), group);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> storeConsumerGroupRecords(String groupId, List<ConsumerGroupRecord> records) {
        if (failNextGroupStore) {
            failNextGroupStore = false;
            return CompletableFuture.failedFuture(new NotEnoughReplicasException("log unavailable"));
        }
        consumerGroups.apply(groupId, records);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Map<String, List<ConsumerGroupRecord>> storedConsumerGroups(Predicate<String> groupIds) {
        return consumerGroups.matching(groupIds);
    }

    @Override
    public List<GroupMetadata> storedGroups(Predicate<String> groupIds) {
        List<GroupMetadata> matching = new ArrayList<>();
        for (GroupMetadata group : groupMetadata.values()) {
            if (groupIds.test(group.groupId())) {
                matching.add(group);
            }
        }
        return matching;
    }

    @Override
    public Set<String> groups() {
        return Set.copyOf(byGroup.keySet());
    }
}
