package io.sluice.group.offsets;

import io.sluice.broker.PartitionManager;
import io.sluice.config.BrokerConfig;
import io.sluice.group.CommittedOffset;
import io.sluice.group.OffsetStore;
import io.sluice.log.Log;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataService;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets kept as records of the compacted topic __consumer_offsets, one record per
 * (group, partition), the latest winning and a tombstone removing it. Each group writes to the
 * partition Kafka's rule picks. A commit call is one record batch, so its offsets are stored all or
 * none; the append is the durability point, as for an acks=1 produce on a single node.
 * Reads come from an in-memory copy rebuilt from the log at start-up.
 *
 * Thread-safety: writes to one offsets partition are serialised so that memory changes in log
 * order; each group's offsets are an immutable map swapped on write, so fetch() takes no lock.
 */
public final class LogOffsetStore implements OffsetStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogOffsetStore.class);

    private final MetadataService metadata;
    private final PartitionManager partitions;
    private final int numPartitions;
    private final long retentionMs;
    private final Predicate<String> isGroupEmpty;
    private final Time time;
    private final Object[] partitionLocks;
    private final Map<String, Map<TopicPartition, CommittedOffset>> offsets = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> expiryTask;

    /**
     * @param isGroupEmpty whether a group has no members, so its offsets may expire; null means every group is
     */
    public LogOffsetStore(MetadataService metadata, PartitionManager partitions, int numPartitions, long retentionMs,
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
        this.partitionLocks = new Object[numPartitions];
        for (int i = 0; i < numPartitions; i++) {
            partitionLocks[i] = new Object();
        }
    }

    /**
     * The broker's store: creates __consumer_offsets if missing, loads every committed offset, and
     * expires old offsets of empty groups every offsets.retention.check.interval.ms on the scheduler.
     * Call after this broker is registered (the controller places partitions on registered brokers)
     * and after the PartitionManager listens to metadata (it creates the partition logs).
     */
    public static LogOffsetStore start(MetadataService metadata, PartitionManager partitions, BrokerConfig config,
                                       Predicate<String> isGroupEmpty, ScheduledExecutorService scheduler) {
        return start(metadata, partitions, config, isGroupEmpty, scheduler, Time.SYSTEM);
    }

    /** As {@link #start(MetadataService, PartitionManager, BrokerConfig, Predicate, ScheduledExecutorService)}, on the given clock. */
    public static LogOffsetStore start(MetadataService metadata, PartitionManager partitions, BrokerConfig config,
                                       Predicate<String> isGroupEmpty, ScheduledExecutorService scheduler, Time time) {
        LogOffsetStore store = new LogOffsetStore(metadata, partitions, config.offsetsTopicNumPartitions(),
                config.offsetsRetentionMs(), isGroupEmpty, time);
        store.ensureTopic(config.offsetsTopicReplicationFactor());
        int existing = metadata.image().topic(OffsetsTopic.NAME).partitions().size();
        if (existing != store.numPartitions) {
            // Groups must keep mapping to the partitions already holding their offsets.
            log.warn("{} has {} partitions, not offsets.topic.num.partitions={}; using {}", OffsetsTopic.NAME,
                    existing, store.numPartitions, existing);
            store = new LogOffsetStore(metadata, partitions, existing, config.offsetsRetentionMs(), isGroupEmpty, time);
        }
        store.load();
        store.scheduleExpiry(scheduler, config.offsetsRetentionCheckIntervalMs());
        return store;
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
            Throwable cause = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
            if (!(cause instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + OffsetsTopic.NAME, cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + OffsetsTopic.NAME, e);
        }
    }

    /** Rebuilds the in-memory offsets from every partition of __consumer_offsets led here. */
    public void load() {
        long startNanos = System.nanoTime();
        MetadataImage image = metadata.image();
        TopicImage topic = image.topic(OffsetsTopic.NAME);
        if (topic == null) {
            throw new IllegalStateException(OffsetsTopic.NAME + " does not exist");
        }
        Map<String, Map<TopicPartition, CommittedOffset>> loaded = new HashMap<>();
        long records = 0;
        for (int p : topic.partitions().keySet()) {
            Log partitionLog;
            try {
                partitionLog = partitions.leaderLog(image, new TopicPartition(OffsetsTopic.NAME, p));
            } catch (org.apache.kafka.common.errors.NotLeaderOrFollowerException e) {
                // In a multi-node cluster another broker leads this partition and serves its groups.
                continue;
            }
            synchronized (lockFor(p)) {
                records += LogReplay.replay(partitionLog, record -> apply(loaded, record));
            }
        }
        offsets.clear();
        loaded.forEach((group, groupOffsets) -> {
            if (!groupOffsets.isEmpty()) {
                offsets.put(group, Collections.unmodifiableMap(groupOffsets));
            }
        });
        log.info("Loaded committed offsets of {} groups from {} records of {} in {} ms", offsets.size(), records,
                OffsetsTopic.NAME, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    private static void apply(Map<String, Map<TopicPartition, CommittedOffset>> target, Record record) {
        if (!record.hasKey()) {
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
        Map<TopicPartition, CommittedOffset> changes = Map.copyOf(commits);
        return write(groupId, current -> changes);
    }

    @Override
    public Map<TopicPartition, CommittedOffset> fetch(String groupId) {
        return offsets.getOrDefault(groupId, Map.of());
    }

    @Override
    public CompletableFuture<Void> delete(String groupId, Set<TopicPartition> toDelete) {
        Set<TopicPartition> requested = Set.copyOf(toDelete);
        return write(groupId, current -> removalsOf(current, requested::contains));
    }

    @Override
    public CompletableFuture<Void> deleteGroup(String groupId) {
        return write(groupId, current -> removalsOf(current, tp -> true));
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
            // Re-evaluated under the partition lock so that an offset committed meanwhile survives.
            write(groupId, current -> {
                Map<TopicPartition, CommittedOffset> removals = removalsOf(current, tp -> isExpired(current.get(tp), nowMs));
                count[0] = removals.size();
                return removals;
            }).join();
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
     * Under the group's partition lock: computes the changes from the group's current offsets (a null
     * value removes the partition), appends them as one batch, then applies them to memory.
     */
    private CompletableFuture<Void> write(String groupId,
                                          Function<Map<TopicPartition, CommittedOffset>, Map<TopicPartition, CommittedOffset>> changesOf) {
        int partition = OffsetsTopic.partitionFor(groupId, numPartitions);
        TopicPartition tp = new TopicPartition(OffsetsTopic.NAME, partition);
        try {
            synchronized (lockFor(partition)) {
                Map<TopicPartition, CommittedOffset> current = fetch(groupId);
                Map<TopicPartition, CommittedOffset> changes = changesOf.apply(current);
                if (changes.isEmpty()) {
                    return CompletableFuture.completedFuture(null);
                }
                long now = time.milliseconds();
                SimpleRecord[] records = new SimpleRecord[changes.size()];
                int i = 0;
                for (Map.Entry<TopicPartition, CommittedOffset> change : changes.entrySet()) {
                    CommittedOffset value = change.getValue();
                    records[i++] = new SimpleRecord(now, OffsetRecordCodec.encodeKey(groupId, change.getKey()),
                            value == null ? null : OffsetRecordCodec.encodeValue(value));
                }
                MetadataImage image = metadata.image();
                Log partitionLog = partitions.leaderLog(image, tp);
                partitions.append(partitionLog, tp, MemoryRecords.withRecords(Compression.NONE, records),
                        leaderEpoch(image, partition));
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
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static int leaderEpoch(MetadataImage image, int partition) {
        PartitionImage p = image.topic(OffsetsTopic.NAME).partitions().get(partition);
        return p == null ? 0 : p.leaderEpoch();
    }

    private Object lockFor(int partition) {
        return partitionLocks[partition % partitionLocks.length];
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
