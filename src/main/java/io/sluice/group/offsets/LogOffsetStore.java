package io.sluice.group.offsets;

import io.sluice.util.Futures;
import io.sluice.config.BrokerConfig;
import io.sluice.group.CommittedOffset;
import io.sluice.group.GroupMetadata;
import io.sluice.group.OffsetStore;
import io.sluice.log.Log;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataService;
import io.sluice.metadata.TopicImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.protocol.Errors;
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
 * coordinator to rebuild its groups from. Each group writes to the
 * partition Kafka's rule picks. A commit call is one record batch, so its offsets are stored all or
 * none. The store serves only the partitions this node leads and has loaded ({@link #loadPartition}):
 * writes are appended as leader and complete, as an acks=all produce does, once the partition's
 * in-sync replicas all have them (the high watermark passed them), so a committed offset survives
 * the leader's death. Reads come from an in-memory copy holding only such replicated writes.
 *
 * Thread-safety: each offsets partition has a slot whose monitor serialises its appends, loads and
 * unloads; writes waiting for replication are applied to memory in log order. Each group's offsets
 * are an immutable map swapped on write, so fetch() takes no lock.
 */
public final class LogOffsetStore implements OffsetStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogOffsetStore.class);

    private final MetadataService metadata;
    private final PartitionWriter partitions;
    private final int numPartitions;
    private final long retentionMs;
    private final Predicate<String> isGroupEmpty;
    private final Time time;
    private final PartitionSlot[] slots;
    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new ConcurrentHashMap<>();
    /** The latest replicated group metadata record of each loaded group that has one. */
    private final Map<String, GroupMetadata> groupMetadata = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> expiryTask;

    /** Kafka's offsets.commit.timeout.ms default: how long a write waits for the in-sync replicas. */
    static final long COMMIT_TIMEOUT_MS = 5000;

    /** One offsets partition: whether it is loaded here, and its appended writes still waiting for replication. */
    private static final class PartitionSlot {
        boolean loaded;
        /** Changes on every load and unload, so that a write from an earlier leadership never reaches memory. */
        long generation;
        final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();
    }

    /** A change of a group's metadata record: a new value, or a tombstone when value is null. */
    private record GroupChange(GroupMetadata value) {
    }

    /** What one write changes: offsets (a null value removes the partition) and, unless null, the group record. */
    private record Changes(Map<TopicPartition, CommittedOffset> offsets, GroupChange group) {
        boolean isEmpty() {
            return offsets.isEmpty() && group == null;
        }
    }

    /** An appended write; outcome is null until replication answers for it. */
    private static final class PendingWrite {
        final String groupId;
        final Map<TopicPartition, CommittedOffset> changes;
        final GroupChange groupChange;
        final long generation;
        final CompletableFuture<Void> result = new CompletableFuture<>();
        Errors outcome;

        PendingWrite(String groupId, Changes changes, long generation) {
            this.groupId = groupId;
            this.changes = changes.offsets();
            this.groupChange = changes.group();
            this.generation = generation;
        }
    }

    /**
     * @param isGroupEmpty whether a group has no members, so its offsets may expire; null means every group is
     */
    public LogOffsetStore(MetadataService metadata, PartitionWriter partitions, int numPartitions, long retentionMs,
                          Predicate<String> isGroupEmpty, Time time) {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be at least 1");
        }
        this.metadata = metadata;
        this.partitions = partitions;
        this.numPartitions = numPartitions;
        this.retentionMs = retentionMs;
        this.isGroupEmpty = isGroupEmpty != null ? isGroupEmpty : group -> true;
        this.time = time;
        this.slots = new PartitionSlot[numPartitions];
        for (int i = 0; i < numPartitions; i++) {
            slots[i] = new PartitionSlot();
        }
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
        LogOffsetStore store = new LogOffsetStore(metadata, partitions, config.offsetsTopicNumPartitions(),
                config.offsetsRetentionMs(), isGroupEmpty, time);
        store.ensureTopic(replicationFactor);
        int existing = metadata.image().topic(OffsetsTopic.NAME).partitions().size();
        if (existing != store.numPartitions) {
            // Groups must keep mapping to the partitions already holding their offsets.
            log.warn("{} has {} partitions, not offsets.topic.num.partitions={}; using {}", OffsetsTopic.NAME,
                    existing, store.numPartitions, existing);
            store = new LogOffsetStore(metadata, partitions, existing, config.offsetsRetentionMs(), isGroupEmpty, time);
        }
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
        long startNanos = System.nanoTime();
        TopicPartition tp = new TopicPartition(OffsetsTopic.NAME, partition);
        PartitionSlot slot = slots[partition];
        synchronized (slot) {
            Log partitionLog = partitions.leaderLog(tp);
            slot.generation++;
            slot.loaded = false;
            forgetGroupsOf(partition);
            Map<String, Map<TopicPartition, CommittedOffset>> loaded = new HashMap<>();
            Map<String, GroupMetadata> loadedGroups = new HashMap<>();
            long records = LogReplay.replay(partitionLog, record -> apply(loaded, loadedGroups, record));
            loaded.forEach((group, groupOffsets) -> {
                if (!groupOffsets.isEmpty()) {
                    offsets.put(group, Collections.unmodifiableMap(groupOffsets));
                }
            });
            groupMetadata.putAll(loadedGroups);
            slot.loaded = true;
            log.info("Loaded committed offsets of {} groups and metadata of {} groups from {} records of {} in {} ms",
                    loaded.size(), loadedGroups.size(), records, tp,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            return records;
        }
    }

    /** Stops serving the groups of a partition another node now leads, and forgets their offsets. */
    public void unloadPartition(int partition) {
        PartitionSlot slot = slots[partition];
        synchronized (slot) {
            slot.generation++;
            slot.loaded = false;
            forgetGroupsOf(partition);
        }
    }

    /** Whether the partition's groups are served here. */
    public boolean isLoaded(int partition) {
        PartitionSlot slot = slots[partition];
        synchronized (slot) {
            return slot.loaded;
        }
    }

    private void forgetGroupsOf(int partition) {
        offsets.keySet().removeIf(groupId -> OffsetsTopic.partitionFor(groupId, numPartitions) == partition);
        groupMetadata.keySet().removeIf(groupId -> OffsetsTopic.partitionFor(groupId, numPartitions) == partition);
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
        return write(groupId, current -> new Changes(removalsOf(current, tp -> true), tombstone));
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
            int[] count = new int[1];
            // Re-evaluated under the partition lock so that an offset committed meanwhile survives. Not waited
            // for: replication is confirmed on other threads, and a lost tombstone is written again next time.
            write(groupId, current -> {
                Map<TopicPartition, CommittedOffset> removals = removalsOf(current, tp -> isExpired(current.get(tp), nowMs));
                count[0] = removals.size();
                // An empty group with no offsets left is gone, as in Kafka: its metadata record goes too.
                GroupMetadata stored = groupMetadata.get(groupId);
                boolean groupGone = removals.size() == current.size() && stored != null && stored.members().isEmpty();
                return new Changes(removals, groupGone ? new GroupChange(null) : null);
            }).whenComplete((done, failure) -> {
                if (failure != null) {
                    log.info("Expiring offsets of group {} did not complete: {}", groupId, failure.toString());
                }
            });
            removed += count[0];
            log.info("Expired {} committed offsets of empty group {}", count[0], groupId);
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
     * Under the group's partition slot: computes the changes from the group's offsets including writes still
     * waiting for replication (a null value removes the partition), appends them as one batch as leader, and
     * queues them; they reach memory, and the returned future completes, once the in-sync replicas have them.
     */
    private CompletableFuture<Void> write(String groupId, Function<Map<TopicPartition, CommittedOffset>, Changes> changesOf) {
        int partition = OffsetsTopic.partitionFor(groupId, numPartitions);
        TopicPartition tp = new TopicPartition(OffsetsTopic.NAME, partition);
        PartitionSlot slot = slots[partition];
        PendingWrite write;
        CompletableFuture<Errors> replicated;
        List<PendingWrite> done;
        try {
            synchronized (slot) {
                if (!slot.loaded) {
                    throw new NotCoordinatorException("The groups of " + tp + " are not served by this node");
                }
                Map<TopicPartition, CommittedOffset> current = withPending(slot, groupId);
                Changes changes = changesOf.apply(current);
                if (changes.isEmpty()) {
                    return CompletableFuture.completedFuture(null);
                }
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
                CompletableFuture<Errors> replication = partitions.appendAsLeader(tp,
                        MemoryRecords.withRecords(Compression.NONE, records), COMMIT_TIMEOUT_MS).replicated();
                write = new PendingWrite(groupId, changes, slot.generation);
                slot.pending.add(write);
                if (replication.isDone() && replication.join() == Errors.NONE) {
                    // This node is the partition's only in-sync replica: the append is all there is to wait for.
                    replicated = null;
                    write.outcome = Errors.NONE;
                    done = drain(slot);
                } else {
                    replicated = replication;
                    done = List.of();
                }
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        complete(done);
        if (replicated != null) {
            replicated.whenComplete((error, failure) -> finish(slot, write, failure != null ? Errors.forException(failure) : error));
        }
        return write.result;
    }

    private void finish(PartitionSlot slot, PendingWrite write, Errors outcome) {
        List<PendingWrite> done;
        synchronized (slot) {
            write.outcome = outcome;
            done = drain(slot);
        }
        complete(done);
    }

    /** Under the slot: applies the answered writes at the head of the queue, in log order, and returns them. */
    private List<PendingWrite> drain(PartitionSlot slot) {
        List<PendingWrite> done = new ArrayList<>();
        while (!slot.pending.isEmpty() && slot.pending.peek().outcome != null) {
            PendingWrite write = slot.pending.poll();
            if (write.outcome == Errors.NONE && slot.loaded && write.generation == slot.generation) {
                if (!write.changes.isEmpty()) {
                    applyToMemory(write.groupId, fetch(write.groupId), write.changes);
                }
                if (write.groupChange != null) {
                    applyGroupToMemory(write.groupId, write.groupChange.value());
                }
            }
            done.add(write);
        }
        return done;
    }

    /** Completes the callers' futures outside the slot's monitor: their continuations build responses. */
    private static void complete(List<PendingWrite> done) {
        for (PendingWrite write : done) {
            if (write.outcome == Errors.NONE) {
                write.result.complete(null);
            } else {
                write.result.completeExceptionally(write.outcome.exception());
            }
        }
    }

    /** The group's replicated offsets with its writes still waiting for replication laid over them. */
    private Map<TopicPartition, CommittedOffset> withPending(PartitionSlot slot, String groupId) {
        Map<TopicPartition, CommittedOffset> current = fetch(groupId);
        Map<TopicPartition, CommittedOffset> view = null;
        for (PendingWrite write : slot.pending) {
            if (write.groupId.equals(groupId) && write.outcome == null) {
                if (view == null) {
                    view = new HashMap<>(current);
                }
                for (Map.Entry<TopicPartition, CommittedOffset> change : write.changes.entrySet()) {
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

    /** Stops the expiry task; the log itself belongs to the LogManager. */
    @Override
    public void close() {
        ScheduledFuture<?> task = expiryTask;
        if (task != null) {
            task.cancel(false);
        }
    }
}
