package io.sluice.group;

import io.sluice.coordinator.TxnMarker;
import io.sluice.group.consumer.ConsumerGroupRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * Where committed offsets live. The broker's implementation keeps them as records in the
 * compacted internal topic __consumer_offsets and loads them at start-up; tests use an in-memory one.
 * CONTRACT: implemented by the offsets work; used by the group coordinator.
 */
public interface OffsetStore {
    /** Stores the offsets durably (appended to the log) before completing. */
    CompletableFuture<Void> commit(String groupId, Map<TopicPartition, CommittedOffset> offsets);

    /**
     * Stores offsets a producer's transaction commits (TxnOffsetCommit) as its transactional records; they become
     * the group's committed offsets when the transaction commits ({@link #completeTransaction}).
     */
    CompletableFuture<Void> commitTransactional(String groupId, long producerId, short producerEpoch,
                                                Map<TopicPartition, CommittedOffset> offsets);

    /**
     * Writes a transaction coordinator's marker to an offsets partition: the producer's pending offsets for that
     * partition's groups become committed (COMMIT) or are dropped (ABORT), once replicated.
     */
    CompletableFuture<Void> completeTransaction(int partition, TxnMarker marker);

    /** Whether an undecided transaction holds an offset of the group's partition (OffsetFetch require_stable). */
    boolean hasPendingTransactionalOffset(String groupId, TopicPartition tp);

    /** Every committed offset of the group (empty map if none). */
    Map<TopicPartition, CommittedOffset> fetch(String groupId);

    /** Removes the given partitions' offsets (OffsetDelete). */
    CompletableFuture<Void> delete(String groupId, Set<TopicPartition> partitions);

    /** Removes every offset of the group and its stored metadata (DeleteGroups). */
    CompletableFuture<Void> deleteGroup(String groupId);

    /**
     * Stores the group's metadata durably (replicated as an acks=all write) before completing; it replaces the
     * group's previous metadata.
     */
    CompletableFuture<Void> storeGroup(GroupMetadata group);

    /** The latest stored metadata of every loaded group whose id the filter accepts. */
    List<GroupMetadata> storedGroups(Predicate<String> groupIds);

    /**
     * Writes a KIP-848 consumer group's records (in order, with acks=all) before completing; each replaces the value
     * of its key, a tombstone removes it.
     */
    CompletableFuture<Void> storeConsumerGroupRecords(String groupId, List<ConsumerGroupRecord> records);

    /**
     * The replicated records of every loaded consumer group whose id the filter accepts: per group, the latest value
     * of each key (group-level records first, then per member).
     */
    Map<String, List<ConsumerGroupRecord>> storedConsumerGroups(Predicate<String> groupIds);

    /** Groups that have at least one committed offset (ListGroups shows them as Empty groups after a restart). */
    Set<String> groups();
}
