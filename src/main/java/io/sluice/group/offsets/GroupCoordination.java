package io.sluice.group.offsets;

import io.sluice.util.DaemonThreads;
import io.sluice.coordinator.CoordinatorLeadership;
import io.sluice.coordinator.CoordinatorOwnership;
import io.sluice.coordinator.PartitionWriter;
import io.sluice.partition.PartitionLookup;
import io.sluice.config.BrokerConfig;
import io.sluice.config.QuorumVoter;
import io.sluice.group.DeferredOffsetStore;
import io.sluice.group.GroupCoordinator;
import io.sluice.quorum.MetadataService;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings up the broker's side of consumer groups once it is registered, on a loader thread of its own so that
 * neither the request threads nor the shared timer wait: creates __consumer_offsets if missing (replication factor
 * offsets.topic.replication.factor, capped at the live brokers), opens the log-backed store, then follows the
 * leadership of the offsets partitions ({@link #leadership}). Until then group requests answer
 * COORDINATOR_LOAD_IN_PROGRESS and FindCoordinator names nobody, as Kafka does while its coordinator starts.
 */
public final class GroupCoordination implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordination.class);
    /** How long a node of a multi-node cluster waits for enough brokers to create the topic with full replication. */
    static final long BROKERS_WAIT_MS = 10_000;
    private static final long RETRY_MS = 100;

    private final ScheduledExecutorService loader;
    private volatile LogOffsetStore store;

    private GroupCoordination(ScheduledExecutorService loader) {
        this.loader = loader;
    }

    /** Starts in the background; group requests are served as partitions load. */
    public static GroupCoordination startInBackground(MetadataService metadata, PartitionLookup partitions,
                                                      BrokerConfig config, GroupCoordinator coordinator,
                                                      DeferredOffsetStore offsetStore, CoordinatorOwnership ownership,
                                                      ScheduledExecutorService timer) {
        ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sluice-group-loader"));
        GroupCoordination coordination = new GroupCoordination(loader);
        long brokersDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
                isLoneNode(config) ? 0 : BROKERS_WAIT_MS);
        loader.execute(() -> coordination.open(metadata, partitions, config, coordinator, offsetStore, ownership, timer,
                brokersDeadline));
        return coordination;
    }

    /** A node that is the whole quorum and the only broker it can know of: no other broker is coming. */
    private static boolean isLoneNode(BrokerConfig config) {
        List<QuorumVoter> voters = config.controllerQuorumVoters();
        return voters.size() == 1 && voters.get(0).nodeId() == config.nodeId();
    }

    private void open(MetadataService metadata, PartitionLookup partitions, BrokerConfig config,
                      GroupCoordinator coordinator, DeferredOffsetStore offsetStore, CoordinatorOwnership ownership,
                      ScheduledExecutorService timer, long brokersDeadline) {
        short configured = config.offsetsTopicReplicationFactor();
        short replicationFactor = LogOffsetStore.cappedReplicationFactor(configured, metadata.image());
        boolean topicExists = metadata.image().topic(OffsetsTopic.NAME) != null;
        if (!topicExists && replicationFactor < configured && System.nanoTime() - brokersDeadline < 0) {
            // Brokers of a cluster starting together register within moments of each other.
            loader.schedule(() -> open(metadata, partitions, config, coordinator, offsetStore, ownership, timer,
                    brokersDeadline), RETRY_MS, TimeUnit.MILLISECONDS);
            return;
        }
        if (!topicExists && replicationFactor < configured) {
            log.warn("Only {} live broker(s): creating {} with replication factor {} instead of "
                    + "offsets.topic.replication.factor={}", replicationFactor, OffsetsTopic.NAME, replicationFactor,
                    configured);
        }
        LogOffsetStore opened;
        try {
            opened = LogOffsetStore.open(metadata, PartitionWriter.of(partitions), config, replicationFactor,
                    coordinator::hasNoMembers, timer, Time.SYSTEM);
        } catch (RuntimeException e) {
            log.warn("Could not open {} yet; retrying: {}", OffsetsTopic.NAME, e.toString());
            loader.schedule(() -> open(metadata, partitions, config, coordinator, offsetStore, ownership, timer,
                    brokersDeadline), 10 * RETRY_MS, TimeUnit.MILLISECONDS);
            return;
        }
        store = opened;
        offsetStore.complete(opened);
        metadata.addListener(leadership(config.nodeId(), opened, ownership, coordinator, loader));
    }

    /**
     * Group coordination following the leadership of the offsets partitions: a partition led here is replayed into
     * the store and its groups rebuilt; one led elsewhere unloads its groups (waiting members are sent to find the
     * new coordinator) and its offsets.
     */
    public static CoordinatorLeadership leadership(int nodeId, LogOffsetStore store, CoordinatorOwnership ownership,
                                                   GroupCoordinator coordinator, ScheduledExecutorService loader) {
        int count = store.numPartitions();
        return new CoordinatorLeadership(OffsetsTopic.NAME, "the groups", nodeId, count, ownership,
                new CoordinatorLeadership.Shards() {
                    @Override
                    public void load(int partition) {
                        store.loadPartition(partition);
                        Predicate<String> ofPartition = groupId -> OffsetsTopic.partitionFor(groupId, count)
                                == partition;
                        coordinator.loadGroups(store.storedGroups(ofPartition));
                        coordinator.loadConsumerGroups(store.storedConsumerGroups(ofPartition));
                    }

                    @Override
                    public void unload(int partition) {
                        coordinator.unloadGroups(groupId -> OffsetsTopic.partitionFor(groupId, count) == partition);
                        store.unloadPartition(partition);
                    }
                }, loader);
    }

    @Override
    public void close() {
        loader.shutdownNow();
        LogOffsetStore opened = store;
        if (opened != null) {
            opened.close();
        }
    }
}
