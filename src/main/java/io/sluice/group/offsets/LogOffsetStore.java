package io.sluice.group.offsets;

import io.sluice.coordinator.CoordinatorRuntime;
import io.sluice.coordinator.LogReplay;
import io.sluice.coordinator.PartitionWriter;
import io.sluice.coordinator.TxnMarker;
import io.sluice.util.DaemonThreads;
import io.sluice.util.Futures;
import io.sluice.config.BrokerConfig;
import io.sluice.group.CommittedOffset;
import io.sluice.group.GroupMetadata;
import io.sluice.group.OffsetStore;
import io.sluice.group.consumer.ConsumerGroupRecord;
import io.sluice.group.consumer.StoredConsumerGroups;
import io.sluice.log.Log;
import io.sluice.metadata.MetadataImage;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets kept as records of the compacted topic __consumer_offsets, one record per
 * (group, partition), the latest winning and a tombstone removing it; beside them each group's latest
 * metadata record (membership and generation, {@link GroupMetadataCodec}), kept in memory for a loading
 * coordinator to rebuild its groups from. Each group writes to the partition Kafka's rule picks. A commit call is
 * one record batch, so its offsets are stored all or none. The store serves only the partitions this node leads and
 * has loaded ({@link #loadPartition}).
 *
 * <p>Writes, loads and unloads are events of a {@link CoordinatorRuntime}: one at a time per offsets partition. A
 * write is appended as leader and completes, as an acks=all produce does, once the partition's in-sync replicas all
 * have it (the high watermark passed it), so a committed offset survives the leader's death. Reads come from an
 * in-memory copy holding only such replicated writes: each group's offsets are an immutable map swapped on write,
 * so fetch() takes no lock.
 */
public final class LogOffsetStore implements OffsetStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogOffsetStore.class);

    private final MetadataService metadata;
    private final PartitionWriter partitions;
    private final int numPartitions;
    private final long retentionMs;
    private final Predicate<String> isGroupEmpty;
    private final Time time;
    private final CoordinatorRuntime<OffsetsChange> runtime;
    private final TransactionalOffsets transactional = new TransactionalOffsets();
    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new ConcurrentHashMap<>();
    /** The latest replicated group metadata record of each loaded group that has one. */
    private final Map<String, GroupMetadata> groupMetadata = new ConcurrentHashMap<>();
    private final StoredConsumerGroups consumerGroups = new StoredConsumerGroups();
    private volatile ScheduledFuture<?> expiryTask;
    /** The event threads {@link #open} started for this store, stopped on close. */
    private volatile ExecutorService ownedEvents;

    /** Threads running the offsets partitions' events (Kafka's group.coordinator.threads, capped by the cores). */
    private static final int COORDINATOR_THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());

    /** Kafka's offsets.commit.timeout.ms default: how long a write waits for the in-sync replicas. */
    static final long COMMIT_TIMEOUT_MS = 5000;

    /** A change of a group's metadata record: a new value, or a tombstone when value is null. */
    private record GroupChange(GroupMetadata value) {
    }

    /** What one write changes: offsets (a null value removes the partition) and, unless null, the group record. */
    private record Changes(Map<TopicPartition, CommittedOffset> offsets, GroupChange group) {
        boolean isEmpty() {
            return offsets.isEmpty() && group == null;
        }
    }

    /** What one write changes, as the runtime holds it until replicated. */
    private sealed interface OffsetsChange permits GroupWrite, TxnOffsets, TxnEnd, ConsumerGroupWrite {
    }

    /** One write of one group. */
    private record GroupWrite(String groupId, Changes changes) implements OffsetsChange {
    }

    /** Offsets a producer's transaction commits for a group, not the group's until the COMMIT marker. */
    private record TxnOffsets(String groupId, long producerId, Map<TopicPartition, CommittedOffset> offsets)
            implements OffsetsChange {
    }

    /** A transaction marker written to one offsets partition. */
    /** Records of a KIP-848 consumer group, in the order the group changed. */
    private record ConsumerGroupWrite(String groupId, List<ConsumerGroupRecord> records) implements OffsetsChange {
    }

    private record TxnEnd(int partition, long producerId, boolean commit) implements OffsetsChange {
    }

    /**
     * @param isGroupEmpty whether a group has no members, so its offsets may expire; null means every group is
     * @param events where the offsets partitions' events run (one at a time per partition)
     */
    public LogOffsetStore(MetadataService metadata, PartitionWriter partitions, int numPartitions, long retentionMs,
                          Predicate<String> isGroupEmpty, Time time, Executor events) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be at least 1");
        }
        this.metadata = metadata;
        this.partitions = partitions;
        this.numPartitions = numPartitions;
        this.retentionMs = retentionMs;
        this.isGroupEmpty = isGroupEmpty != null ? isGroupEmpty : group -> true;
        this.time = time;
        this.runtime = new CoordinatorRuntime<>(OffsetsTopic.NAME, numPartitions, partitions, this::applyToMemory,
                events, COMMIT_TIMEOUT_MS);
    }

    /**
     * The broker's store: creates __consumer_offsets if missing, loads every committed offset, and
     * expires old offsets of empty groups every offsets.retention.check.interval.ms on the scheduler.
     * Call after this broker is registered (the controller places partitions on registered brokers)
     * and after the ReplicaManager listens to metadata (it creates the partition logs).
     */
    public static LogOffsetStore start(MetadataService metadata, PartitionWriter partitions, BrokerConfig config,
                                       Predicate<String> isGroupEmpty, ScheduledExecutorService scheduler) {
        return start(metadata, partitions, config, isGroupEmpty, scheduler, Time.SYSTEM);
    }

    /** As {@link #start(MetadataService, PartitionWriter, BrokerConfig, Predicate, ScheduledExecutorService)}, on the given clock. */
    public static LogOffsetStore start(MetadataService metadata, PartitionWriter partitions, BrokerConfig config,
                                       Predicate<String> isGroupEmpty, ScheduledExecutorService scheduler, Time time) {
        short replicationFactor = cappedReplicationFactor(config.offsetsTopicReplicationFactor(), metadata.image());
        LogOffsetStore store = open(metadata, partitions, config, replicationFactor, isGroupEmpty, scheduler, time);
        store.load();
        return store;
    }

    /**
     * The broker's store with nothing loaded yet: creates __consumer_offsets with the given replication factor if
     * missing and schedules offset expiry. Partitions are loaded one by one as this node becomes their leader.
     */
    public static LogOffsetStore open(MetadataService metadata, PartitionWriter partitions, BrokerConfig config,
                                      short replicationFactor, Predicate<String> isGroupEmpty,
                                      ScheduledExecutorService scheduler, Time time) {
        ExecutorService events = Executors.newFixedThreadPool(COORDINATOR_THREADS,
                DaemonThreads.numbered("sluice-group-coordinator"));
        LogOffsetStore store = new LogOffsetStore(metadata, partitions, config.offsetsTopicNumPartitions(),
                config.offsetsRetentionMs(), isGroupEmpty, time, events);
        try {
            store.ensureTopic(replicationFactor);
        } catch (RuntimeException e) {
            events.shutdown();
            throw e;
        }
        int existing = metadata.image().topic(OffsetsTopic.NAME).partitions().size();
        if (existing != store.numPartitions) {
            // Groups must keep mapping to the partitions already holding their offsets.
            log.warn("{} has {} partitions, not offsets.topic.num.partitions={}; using {}", OffsetsTopic.NAME,
                    existing, store.numPartitions, existing);
            store = new LogOffsetStore(metadata, partitions, existing, config.offsetsRetentionMs(), isGroupEmpty, time,
                    events);
        }
        store.ownedEvents = events;
        store.scheduleExpiry(scheduler, config.offsetsRetentionCheckIntervalMs());
        return store;
    }

    /**
     * The replication factor to create __consumer_offsets with: the configured one, capped at the brokers that are
     * registered and not fenced, so that a lone broker works without configuration (Kafka would refuse instead).
     */
    public static short cappedReplicationFactor(short configured, MetadataImage image) {
        long live = image.brokers().values().stream().filter(b -> !b.fenced()).count();
        return (short) Math.max(1, Math.min(configured, live));
    }

    public int numPartitions() {
        return numPartitions;
    }

    /** Creates __consumer_offsets through the controller unless it exists. */
    public void ensureTopic(short replicationFactor) {
        if (metadata.image().topic(OffsetsTopic.NAME) != null) {
            return;
        }
        try {
            metadata.controller().createTopic(OffsetsTopic.NAME, numPartitions, replicationFactor,
                    OffsetsTopic.CONFIGS, false).get();
            log.info("Created {} with {} partitions", OffsetsTopic.NAME, numPartitions);
        } catch (ExecutionException e) {
            Throwable cause = Futures.unwrap(e);
            if (!(cause instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + OffsetsTopic.NAME, cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + OffsetsTopic.NAME, e);
        }
    }

    /** Loads every partition of __consumer_offsets led here (a single node at start-up). */
    public void load() {
        MetadataImage image = metadata.image();
        TopicImage topic = image.topic(OffsetsTopic.NAME);
        if (topic == null) {
            throw new IllegalStateException(OffsetsTopic.NAME + " does not exist");
        }
        for (int partition : topic.partitions().keySet()) {
            try {
                loadPartition(partition);
            } catch (NotLeaderOrFollowerException e) {
                // In a multi-node cluster another broker leads this partition and serves its groups.
            }
        }
    }

    /**
     * Rebuilds the offsets of the groups of one partition from its local log, up to the log end, and serves them
     * from now on. Call only as the partition's leader: the leader's log is the one every replica converges to.
     * @return how many records were replayed
     */
    public long loadPartition(int partition) {
        TopicPartition tp = new TopicPartition(OffsetsTopic.NAME, partition);
        return awaitEvent(runtime.scheduleLoad(partition, () -> {
            long startNanos = System.nanoTime();
            Log partitionLog = partitions.leaderLog(tp);
            forgetGroupsOf(partition);
            Map<String, Map<TopicPartition, CommittedOffset>> loaded = new HashMap<>();
            Map<String, GroupMetadata> loadedGroups = new HashMap<>();
            StoredConsumerGroups loadedConsumerGroups = new StoredConsumerGroups();
            TransactionalOffsets undecided = new TransactionalOffsets();
            long records = LogReplay.replay(partitionLog, (batch, record) -> {
                if (batch.isControlBatch()) {
                    ControlRecordType type = ControlRecordType.parse(record.key());
                    if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                        Map<String, Map<TopicPartition, CommittedOffset>> ended = undecided.complete(
                                batch.producerId(), group -> true);
                        if (type == ControlRecordType.COMMIT) {
                            ended.forEach((group, groupOffsets) -> loaded.computeIfAbsent(group,
                                    g -> new HashMap<>()).putAll(groupOffsets));
                        }
                    }
                } else if (batch.isTransactional()) {
                    applyTransactional(undecided, batch.producerId(), record);
                } else if (record.hasKey() && ConsumerGroupRecordCodec.isConsumerGroupKey(record.key())) {
                    applyConsumerGroupRecord(loadedConsumerGroups, record);
                } else {
                    apply(loaded, loadedGroups, record);
                }
            });
            undecided.moveTo(transactional);
            loaded.forEach((group, groupOffsets) -> {
                if (!groupOffsets.isEmpty()) {
                    offsets.put(group, Collections.unmodifiableMap(groupOffsets));
                }
            });
            groupMetadata.putAll(loadedGroups);
            loadedConsumerGroups.matching(group -> true).forEach(consumerGroups::apply);
            log.debug("Loaded committed offsets of {} groups and metadata of {} groups from {} records of {} in {} ms",
                    loaded.size(), loadedGroups.size(), records, tp,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            return records;
        }));
    }

    /** Stops serving the groups of a partition another node now leads, and forgets their offsets. */
    public void unloadPartition(int partition) {
        awaitEvent(runtime.scheduleUnload(partition, () -> forgetGroupsOf(partition)));
    }

    /** Whether the partition's groups are served here. */
    public boolean isLoaded(int partition) {
        return runtime.isLoaded(partition);
    }

    /** Loads and unloads are called from the coordination thread, which waits for them. */
    private static <T> T awaitEvent(CompletableFuture<T> event) {
        try {
            return event.join();
        } catch (CompletionException e) {
            Throwable cause = Futures.unwrap(e);
            throw cause instanceof RuntimeException runtime ? runtime : e;
        }
    }

    private void forgetGroupsOf(int partition) {
        Predicate<String> ofPartition = groupId -> OffsetsTopic.partitionFor(groupId, numPartitions) == partition;
        offsets.keySet().removeIf(ofPartition);
        groupMetadata.keySet().removeIf(ofPartition);
        consumerGroups.forget(ofPartition);
        transactional.forget(ofPartition);
    }

    private static void applyConsumerGroupRecord(StoredConsumerGroups target, Record record) {
        ConsumerGroupRecord decoded = ConsumerGroupRecordCodec.decode(record.key(),
                record.hasValue() ? record.value() : null);
        if (decoded == null) {
            log.warn("Skipping a consumer group record at offset {}: a record type or version this broker does "
                    + "not know", record.offset());
        } else {
            target.apply(decoded);
        }
    }

    /** An offset record of a transaction found while loading: pending until the producer's marker. */
    private static void applyTransactional(TransactionalOffsets undecided, long producerId, Record record) {
        OffsetRecordCodec.Key key = record.hasKey() && !GroupMetadataCodec.isGroupKey(record.key())
                ? OffsetRecordCodec.decodeKey(record.key()) : null;
        if (key != null && record.hasValue()) {
            undecided.add(producerId, key.groupId(), Map.of(key.partition(),
                    OffsetRecordCodec.decodeValue(record.value())));
        }
    }

    private static void apply(Map<String, Map<TopicPartition, CommittedOffset>> target,
                              Map<String, GroupMetadata> groups, Record record) {
        if (!record.hasKey()) {
            return;
        }
        if (GroupMetadataCodec.isGroupKey(record.key())) {
            String groupId = GroupMetadataCodec.decodeKey(record.key());
            if (!record.hasValue()) {
                groups.remove(groupId);
            } else if (GroupMetadataCodec.isReadableValue(record.value())) {
                groups.put(groupId, GroupMetadataCodec.decodeValue(groupId, record.value()));
            } else {
                // Offsets stay usable; the group rebuilds its membership by rejoining, as before it was stored.
                log.warn("Skipping group metadata of group {} at offset {}: unknown value version", groupId,
                        record.offset());
                groups.remove(groupId);
            }
            return;
        }
        OffsetRecordCodec.Key key = OffsetRecordCodec.decodeKey(record.key());
        if (key == null) {
            return;
        }
        if (record.hasValue()) {
            target.computeIfAbsent(key.groupId(), g -> new HashMap<>())
                    .put(key.partition(), OffsetRecordCodec.decodeValue(record.value()));
        } else {
            Map<TopicPartition, CommittedOffset> group = target.get(key.groupId());
            if (group != null) {
                group.remove(key.partition());
            }
        }
    }

    /** Runs expireOffsets on the scheduler every intervalMs. */
    public void scheduleExpiry(ScheduledExecutorService scheduler, long intervalMs) {
        expiryTask = scheduler.scheduleWithFixedDelay(() -> {
            try {
                expireOffsets(time.milliseconds());
            } catch (RuntimeException e) {
                log.warn("Expiring committed offsets failed; will retry in {} ms", intervalMs, e);
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<Void> commit(String groupId, Map<TopicPartition, CommittedOffset> commits) {
        Changes changes = new Changes(Map.copyOf(commits), null);
        return write(groupId, current -> changes);
    }

    @Override
    public CompletableFuture<Void> commitTransactional(String groupId, long producerId, short producerEpoch,
                                                      Map<TopicPartition, CommittedOffset> commits) {
        int partition = OffsetsTopic.partitionFor(groupId, numPartitions);
        Map<TopicPartition, CommittedOffset> copy = Map.copyOf(commits);
        return runtime.scheduleWrite(partition, pending -> new CoordinatorRuntime.WriteResult<>(
                encodeTransactional(groupId, producerId, producerEpoch, copy),
                new TxnOffsets(groupId, producerId, copy), null));
    }

    @Override
    public CompletableFuture<Void> completeTransaction(int partition, TxnMarker marker) {
        return runtime.scheduleWrite(partition, pending -> CoordinatorRuntime.WriteResult.marker(marker,
                new TxnEnd(partition, marker.producerId(), marker.commit()), null));
    }

    @Override
    public boolean hasPendingTransactionalOffset(String groupId, TopicPartition tp) {
        return transactional.isPending(groupId, tp);
    }

    @Override
    public Map<TopicPartition, CommittedOffset> fetch(String groupId) {
        return offsets.getOrDefault(groupId, Map.of());
    }

    @Override
    public CompletableFuture<Void> delete(String groupId, Set<TopicPartition> toDelete) {
        Set<TopicPartition> requested = Set.copyOf(toDelete);
        return write(groupId, current -> new Changes(removalsOf(current, requested::contains), null));
    }

    @Override
    public CompletableFuture<Void> deleteGroup(String groupId) {
        GroupChange tombstone = new GroupChange(null);
        List<ConsumerGroupRecord> consumerTombstones = new ArrayList<>();
        for (ConsumerGroupRecord record : consumerGroups.of(groupId)) {
            consumerTombstones.add(new ConsumerGroupRecord.Tombstone(record.type(), groupId, record.memberId()));
        }
        CompletableFuture<Void> consumerGroup = consumerTombstones.isEmpty() ? CompletableFuture.completedFuture(null)
                : storeConsumerGroupRecords(groupId, consumerTombstones);
        return consumerGroup.thenCompose(done -> write(groupId, current -> new Changes(removalsOf(current,
                tp -> true), tombstone)));
    }

    @Override
    public CompletableFuture<Void> storeConsumerGroupRecords(String groupId, List<ConsumerGroupRecord> records) {
        List<ConsumerGroupRecord> copy = List.copyOf(records);
        int partition = OffsetsTopic.partitionFor(groupId, numPartitions);
        return runtime.scheduleWrite(partition, pending -> new CoordinatorRuntime.WriteResult<OffsetsChange, Void>(
                encodeConsumerGroup(copy), new ConsumerGroupWrite(groupId, copy), null));
    }

    @Override
    public Map<String, List<ConsumerGroupRecord>> storedConsumerGroups(Predicate<String> groupIds) {
        return consumerGroups.matching(groupIds);
    }

    @Override
    public CompletableFuture<Void> storeGroup(GroupMetadata group) {
        Changes changes = new Changes(Map.of(), new GroupChange(group));
        return write(group.groupId(), current -> changes);
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
        return Set.copyOf(offsets.keySet());
    }

    /**
     * Removes (with tombstones) the offsets of empty groups that are past their expire timestamp, or,
     * without one, older than offsets.retention.minutes since their commit.
     * @return how many offsets were removed
     */
    public int expireOffsets(long nowMs) {
        int removed = 0;
        for (String groupId : groups()) {
            boolean anyExpired = fetch(groupId).values().stream().anyMatch(offset -> isExpired(offset, nowMs));
            if (!anyExpired || !isGroupEmpty.test(groupId)) {
                continue;
            }
            int expired = removalsOf(fetch(groupId), tp -> isExpired(fetch(groupId).get(tp), nowMs)).size();
            // Re-evaluated in the partition's event so that an offset committed meanwhile survives. Not waited
            // for: replication is confirmed on other threads, and a lost tombstone is written again next time.
            write(groupId, current -> {
                Map<TopicPartition, CommittedOffset> removals = removalsOf(current, tp -> isExpired(current.get(tp), nowMs));
                // An empty group with no offsets left is gone, as in Kafka: its metadata record goes too.
                GroupMetadata stored = groupMetadata.get(groupId);
                boolean groupGone = removals.size() == current.size() && stored != null && stored.members().isEmpty();
                return new Changes(removals, groupGone ? new GroupChange(null) : null);
            }).whenComplete((done, failure) -> {
                if (failure != null) {
                    log.info("Expiring offsets of group {} did not complete: {}", groupId, failure.toString());
                }
            });
            removed += expired;
            log.info("Expired {} committed offsets of empty group {}", expired, groupId);
        }
        return removed;
    }

    private boolean isExpired(CommittedOffset offset, long nowMs) {
        if (offset.expireTimestamp() >= 0) {
            return nowMs >= offset.expireTimestamp();
        }
        return nowMs - offset.commitTimestamp() >= retentionMs;
    }

    /** A change map removing the present partitions that match (null value = tombstone). */
    private static Map<TopicPartition, CommittedOffset> removalsOf(Map<TopicPartition, CommittedOffset> current,
                                                                   Predicate<TopicPartition> matches) {
        Map<TopicPartition, CommittedOffset> removals = new HashMap<>();
        for (TopicPartition tp : current.keySet()) {
            if (matches.test(tp)) {
                removals.put(tp, null);
            }
        }
        return removals;
    }

    /**
     * In the group's partition event: computes the changes from the group's offsets including writes still waiting
     * for replication (a null value removes the partition) and returns them as one batch to append as leader; they
     * reach memory, and the returned future completes, once the in-sync replicas have them.
     */
    private CompletableFuture<Void> write(String groupId, Function<Map<TopicPartition, CommittedOffset>, Changes> changesOf) {
        int partition = OffsetsTopic.partitionFor(groupId, numPartitions);
        return runtime.scheduleWrite(partition, pending -> {
            Changes changes = changesOf.apply(withPending(pending, groupId));
            if (changes.isEmpty()) {
                return CoordinatorRuntime.WriteResult.nothing(null);
            }
            return new CoordinatorRuntime.WriteResult<>(encode(groupId, changes), new GroupWrite(groupId, changes),
                    null);
        });
    }

    private MemoryRecords encodeTransactional(String groupId, long producerId, short producerEpoch,
                                              Map<TopicPartition, CommittedOffset> commits) {
        long now = time.milliseconds();
        SimpleRecord[] records = new SimpleRecord[commits.size()];
        int i = 0;
        for (Map.Entry<TopicPartition, CommittedOffset> commit : commits.entrySet()) {
            records[i++] = new SimpleRecord(now, OffsetRecordCodec.encodeKey(groupId, commit.getKey()),
                    OffsetRecordCodec.encodeValue(commit.getValue()));
        }
        // As Kafka's coordinator writes them: the producer's id and epoch, no sequence of its own (base 0).
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, producerEpoch, 0, records);
    }

    private MemoryRecords encode(String groupId, Changes changes) {
        long now = time.milliseconds();
        SimpleRecord[] records = new SimpleRecord[changes.offsets().size() + (changes.group() == null ? 0 : 1)];
        int i = 0;
        for (Map.Entry<TopicPartition, CommittedOffset> change : changes.offsets().entrySet()) {
            CommittedOffset value = change.getValue();
            records[i++] = new SimpleRecord(now, OffsetRecordCodec.encodeKey(groupId, change.getKey()),
                    value == null ? null : OffsetRecordCodec.encodeValue(value));
        }
        if (changes.group() != null) {
            GroupMetadata value = changes.group().value();
            records[i] = new SimpleRecord(now, GroupMetadataCodec.encodeKey(groupId),
                    value == null ? null : GroupMetadataCodec.encodeValue(value));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    private MemoryRecords encodeConsumerGroup(List<ConsumerGroupRecord> records) {
        long now = time.milliseconds();
        SimpleRecord[] encoded = new SimpleRecord[records.size()];
        for (int i = 0; i < encoded.length; i++) {
            ConsumerGroupRecord record = records.get(i);
            encoded[i] = new SimpleRecord(now, ConsumerGroupRecordCodec.encodeKey(record),
                    ConsumerGroupRecordCodec.encodeValue(record));
        }
        return MemoryRecords.withRecords(Compression.NONE, encoded);
    }

    /** The group's replicated offsets with its writes still waiting for replication laid over them. */
    private Map<TopicPartition, CommittedOffset> withPending(List<OffsetsChange> pending, String groupId) {
        Map<TopicPartition, CommittedOffset> current = fetch(groupId);
        Map<TopicPartition, CommittedOffset> view = null;
        for (OffsetsChange queued : pending) {
            if (queued instanceof GroupWrite write && write.groupId().equals(groupId)) {
                if (view == null) {
                    view = new HashMap<>(current);
                }
                for (Map.Entry<TopicPartition, CommittedOffset> change : write.changes().offsets().entrySet()) {
                    if (change.getValue() == null) {
                        view.remove(change.getKey());
                    } else {
                        view.put(change.getKey(), change.getValue());
                    }
                }
            }
        }
        return view == null ? current : view;
    }

    /** A replicated write reaches memory (in its partition's event, in log order). */
    private void applyToMemory(OffsetsChange change) {
        if (change instanceof GroupWrite write) {
            applyToMemory(write);
        } else if (change instanceof TxnOffsets txn) {
            transactional.add(txn.producerId(), txn.groupId(), txn.offsets());
        } else if (change instanceof ConsumerGroupWrite write) {
            consumerGroups.apply(write.groupId(), write.records());
        } else if (change instanceof TxnEnd end) {
            Map<String, Map<TopicPartition, CommittedOffset>> ended = transactional.complete(end.producerId(),
                    groupId -> OffsetsTopic.partitionFor(groupId, numPartitions) == end.partition());
            if (end.commit()) {
                ended.forEach((groupId, groupOffsets) -> applyToMemory(groupId, fetch(groupId), groupOffsets));
            }
        }
    }

    private void applyToMemory(GroupWrite write) {
        if (!write.changes().offsets().isEmpty()) {
            applyToMemory(write.groupId(), fetch(write.groupId()), write.changes().offsets());
        }
        if (write.changes().group() != null) {
            applyGroupToMemory(write.groupId(), write.changes().group().value());
        }
    }

    private void applyToMemory(String groupId, Map<TopicPartition, CommittedOffset> current,
                               Map<TopicPartition, CommittedOffset> changes) {
        Map<TopicPartition, CommittedOffset> next = new HashMap<>(current);
        changes.forEach((changed, value) -> {
            if (value == null) {
                next.remove(changed);
            } else {
                next.put(changed, value);
            }
        });
        if (next.isEmpty()) {
            offsets.remove(groupId);
        } else {
            offsets.put(groupId, Collections.unmodifiableMap(next));
        }
    }

    private void applyGroupToMemory(String groupId, GroupMetadata value) {
        if (value == null) {
            groupMetadata.remove(groupId);
        } else {
            groupMetadata.put(groupId, value);
        }
    }


    /** The offsets partition a group writes to. */
    public TopicPartition partitionFor(String groupId) {
        return OffsetsTopic.topicPartition(groupId, numPartitions);
    }

    /** Stops the expiry task and the event threads it started; the log itself belongs to the LogManager. */
    @Override
    public void close() {
        ScheduledFuture<?> task = expiryTask;
        if (task != null) {
            task.cancel(false);
        }
        ExecutorService events = ownedEvents;
        if (events != null) {
            events.shutdown();
        }
    }
}
