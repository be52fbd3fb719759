package io.sluice.group;

import io.sluice.coordinator.TxnMarker;
import io.sluice.group.consumer.ConsumerGroupRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;

/**
 * The offset store as seen before the broker's log-backed store exists: the request handlers are registered
 * before the listener binds, but __consumer_offsets can only be created and loaded once this broker is
 * registered. Until {@link #complete(OffsetStore)} every operation fails with COORDINATOR_LOAD_IN_PROGRESS,
 * which clients retry, exactly as Kafka answers while it loads a coordinator's partition.
 */
public final class DeferredOffsetStore implements OffsetStore {
    private volatile OffsetStore target;

    /** Hands every later call to the loaded store. */
    public void complete(OffsetStore loaded) {
        this.target = loaded;
    }

    public boolean isReady() {
        return target != null;
    }

    @Override
    public CompletableFuture<Void> commit(String groupId, Map<TopicPartition, CommittedOffset> offsets) {
        OffsetStore store = target;
        return store == null ? loading() : store.commit(groupId, offsets);
    }

    @Override
    public CompletableFuture<Void> commitTransactional(String groupId, long producerId, short producerEpoch,
                                                       Map<TopicPartition, CommittedOffset> offsets) {
        OffsetStore store = target;
        return store == null ? loading() : store.commitTransactional(groupId, producerId, producerEpoch, offsets);
    }

    @Override
    public CompletableFuture<Void> completeTransaction(int partition, TxnMarker marker) {
        OffsetStore store = target;
        return store == null ? loading() : store.completeTransaction(partition, marker);
    }

    @Override
    public boolean hasPendingTransactionalOffset(String groupId, TopicPartition tp) {
        OffsetStore store = target;
        return store != null && store.hasPendingTransactionalOffset(groupId, tp);
    }

    @Override
    public Map<TopicPartition, CommittedOffset> fetch(String groupId) {
        OffsetStore store = target;
        if (store == null) {
            throw new CoordinatorLoadInProgressException("Committed offsets are still loading");
        }
        return store.fetch(groupId);
    }

    @Override
    public CompletableFuture<Void> delete(String groupId, Set<TopicPartition> partitions) {
        OffsetStore store = target;
        return store == null ? loading() : store.delete(groupId, partitions);
    }

    @Override
    public CompletableFuture<Void> deleteGroup(String groupId) {
        OffsetStore store = target;
        return store == null ? loading() : store.deleteGroup(groupId);
    }

    @Override
    public CompletableFuture<Void> storeGroup(GroupMetadata group) {
        OffsetStore store = target;
        return store == null ? loading() : store.storeGroup(group);
    }

    @Override
    public CompletableFuture<Void> storeConsumerGroupRecords(String groupId, List<ConsumerGroupRecord> records) {
        OffsetStore store = target;
        return store == null ? loading() : store.storeConsumerGroupRecords(groupId, records);
    }

    @Override
    public Map<String, List<ConsumerGroupRecord>> storedConsumerGroups(Predicate<String> groupIds) {
        OffsetStore store = target;
        return store == null ? Map.of() : store.storedConsumerGroups(groupIds);
    }

    @Override
    public List<GroupMetadata> storedGroups(Predicate<String> groupIds) {
        OffsetStore store = target;
        return store == null ? List.of() : store.storedGroups(groupIds);
    }

    @Override
    public Set<String> groups() {
        OffsetStore store = target;
        return store == null ? Set.of() : store.groups();
    }

    private static CompletableFuture<Void> loading() {
        return CompletableFuture.failedFuture(new CoordinatorLoadInProgressException("Committed offsets are still loading"));
    }
}
