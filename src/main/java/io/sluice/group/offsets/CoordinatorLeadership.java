package io.sluice.group.offsets;

import io.sluice.group.GroupCoordinator;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves group coordination with the leadership of the __consumer_offsets partitions. When this node becomes the
 * leader of one (in a new leader epoch), its groups answer COORDINATOR_LOAD_IN_PROGRESS while the loader replays
 * the partition's log, then are served here. When another node takes over, they answer NOT_COORDINATOR at once:
 * waiting members are sent to find the new coordinator and the partition's offsets are forgotten.
 *
 * Leadership changes arrive on the metadata thread, which must not block: replays run on the loader, which must
 * run one task at a time so that a stale load's clean-up comes before the next load of the same partition.
 */
public final class CoordinatorLeadership implements MetadataListener {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorLeadership.class);
    private static final long LOAD_RETRY_MS = 100;

    private final int nodeId;
    private final LogOffsetStore store;
    private final PartitionOwnership ownership;
    private final GroupCoordinator coordinator;
    private final ScheduledExecutorService loader;
    private long lastImageOffset = Long.MIN_VALUE;

    public CoordinatorLeadership(int nodeId, LogOffsetStore store, PartitionOwnership ownership,
                                 GroupCoordinator coordinator, ScheduledExecutorService loader) {
        this.nodeId = nodeId;
        this.store = store;
        this.ownership = ownership;
        this.coordinator = coordinator;
        this.loader = loader;
        ownership.start(store.numPartitions());
    }

    @Override
    public synchronized void onImage(MetadataImage previous, MetadataImage current) {
        if (current.offset() < lastImageOffset) {
            // The image handed over at registration can be older than one the metadata thread already passed on.
            return;
        }
        lastImageOffset = current.offset();
        TopicImage topic = current.topic(OffsetsTopic.NAME);
        for (int partition = 0; partition < store.numPartitions(); partition++) {
            PartitionImage image = topic == null ? null : topic.partitions().get(partition);
            if (image != null && image.leader() == nodeId) {
                int previousEpoch = ownership.leaderEpoch(partition);
                if (ownership.beginLoad(partition, image.leaderEpoch())) {
                    if (previousEpoch >= 0) {
                        // Led here again in a later epoch: whatever another leader wrote meanwhile must be read.
                        unloadGroups(partition);
                    }
                    scheduleLoad(partition, image.leaderEpoch());
                }
            } else if (ownership.unload(partition)) {
                int unloaded = unloadGroups(partition);
                store.unloadPartition(partition);
                log.info("No longer coordinating the groups of {}-{} (leader now {}); unloaded {} active groups",
                        OffsetsTopic.NAME, partition, image == null ? -1 : image.leader(), unloaded);
            }
        }
    }

    private int unloadGroups(int partition) {
        int count = store.numPartitions();
        return coordinator.unloadGroups(groupId -> OffsetsTopic.partitionFor(groupId, count) == partition);
    }

    private void scheduleLoad(int partition, int leaderEpoch) {
        loader.execute(() -> load(partition, leaderEpoch));
    }

    /** The partition's log may not exist yet here (the metadata just arrived): try again shortly. */
    private void retryLoad(int partition, int leaderEpoch) {
        loader.schedule(() -> load(partition, leaderEpoch), LOAD_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    private void load(int partition, int leaderEpoch) {
        if (ownership.leaderEpoch(partition) != leaderEpoch) {
            return;
        }
        long startNanos = System.nanoTime();
        try {
            store.loadPartition(partition);
            int count = store.numPartitions();
            coordinator.loadGroups(store.storedGroups(groupId -> OffsetsTopic.partitionFor(groupId, count) == partition));
        } catch (RuntimeException e) {
            log.warn("Could not load the groups of {}-{} in leader epoch {}: {}", OffsetsTopic.NAME, partition,
                    leaderEpoch, e.toString());
            if (ownership.leaderEpoch(partition) == leaderEpoch) {
                retryLoad(partition, leaderEpoch);
            }
            return;
        }
        if (ownership.completeLoad(partition, leaderEpoch)) {
            log.info("Coordinating the groups of {}-{} in leader epoch {} (loaded in {} ms)", OffsetsTopic.NAME,
                    partition, leaderEpoch, (System.nanoTime() - startNanos) / 1_000_000);
        } else if (ownership.state(partition) == null) {
            // Leadership moved on while the log was replayed: its unload may have run before the load finished.
            unloadGroups(partition);
            store.unloadPartition(partition);
        }
    }
}
