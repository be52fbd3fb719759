package io.sluice.coordinator;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a coordinator (of groups, of transactions) with the leadership of its topic's partitions. When this node
 * becomes the leader of one (in a new leader epoch), its keys answer COORDINATOR_LOAD_IN_PROGRESS while the loader
 * replays the partition's log, then are served here. When another node takes over, they answer NOT_COORDINATOR at
 * once and the partition's state is dropped.
 *
 * <p>Threading: leadership changes arrive on the metadata thread, which must not block: replays run on the loader,
 * which must run one task at a time so that a stale load's clean-up comes before the next load of the same partition.
 */
public final class CoordinatorLeadership implements MetadataListener {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorLeadership.class);
    private static final long LOAD_RETRY_MS = 100;

    /** The coordinator's side: read a partition's state from its log (as leader), or drop it. */
    public interface Shards {
        /** Rebuilds and starts serving the partition's state; may throw (the log is not there yet): retried. */
        void load(int partition);

        /** Stops serving the partition and forgets its state. */
        void unload(int partition);
    }

    private final String topic;
    private final String what;
    private final int nodeId;
    private final int numPartitions;
    private final CoordinatorOwnership ownership;
    private final Shards shards;
    private final ScheduledExecutorService loader;
    private long lastImageOffset = Long.MIN_VALUE;
    /** Loads queued and not yet finished, and those finished since the last summary line (loader thread only). */
    private final AtomicInteger loadsQueued = new AtomicInteger();
    private int loadedSinceSummary;
    private long firstLoadNanos;

    /** @param what what the partitions hold, for the log ("the groups", "the transactions") */
    public CoordinatorLeadership(String topic, String what, int nodeId, int numPartitions,
                                 CoordinatorOwnership ownership, Shards shards, ScheduledExecutorService loader) {
        this.topic = topic;
        this.what = what;
        this.nodeId = nodeId;
        this.numPartitions = numPartitions;
        this.ownership = ownership;
        this.shards = shards;
        this.loader = loader;
        ownership.start(numPartitions);
    }

    @Override
    public synchronized void onImage(MetadataImage previous, MetadataImage current) {
        if (current.offset() < lastImageOffset) {
            // The image handed over at registration can be older than one the metadata thread already passed on.
            return;
        }
        lastImageOffset = current.offset();
        TopicImage image = current.topic(topic);
        int unloaded = 0;
        for (int partition = 0; partition < numPartitions; partition++) {
            PartitionImage partitionImage = image == null ? null : image.partitions().get(partition);
            if (partitionImage != null && partitionImage.leader() == nodeId) {
                int previousEpoch = ownership.leaderEpoch(partition);
                if (ownership.beginLoad(partition, partitionImage.leaderEpoch())) {
                    if (previousEpoch >= 0) {
                        // Led here again in a later epoch: whatever another leader wrote meanwhile must be read.
                        shards.unload(partition);
                    }
                    scheduleLoad(partition, partitionImage.leaderEpoch());
                }
            } else if (ownership.unload(partition)) {
                shards.unload(partition);
                unloaded++;
                log.debug("No longer coordinating {} of {}-{} (leader now {})", what, topic, partition,
                        partitionImage == null ? -1 : partitionImage.leader());
            }
        }
        if (unloaded > 0) {
            log.info("No longer coordinating {} of {} partitions of {}", what, unloaded, topic);
        }
    }

    private void scheduleLoad(int partition, int leaderEpoch) {
        loadsQueued.incrementAndGet();
        loader.execute(() -> {
            try {
                load(partition, leaderEpoch);
            } finally {
                loadsQueued.decrementAndGet();
            }
        });
    }

    /** The partition's log may not exist yet here (the metadata just arrived): try again shortly. */
    private void retryLoad(int partition, int leaderEpoch) {
        loadsQueued.incrementAndGet();
        loader.schedule(() -> {
            try {
                load(partition, leaderEpoch);
            } finally {
                loadsQueued.decrementAndGet();
            }
        }, LOAD_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    private void load(int partition, int leaderEpoch) {
        if (ownership.leaderEpoch(partition) != leaderEpoch) {
            return;
        }
        long startNanos = System.nanoTime();
        try {
            shards.load(partition);
        } catch (RuntimeException e) {
            log.warn("Could not load {} of {}-{} in leader epoch {}: {}", what, topic, partition, leaderEpoch,
                    e.toString());
            if (ownership.leaderEpoch(partition) == leaderEpoch) {
                retryLoad(partition, leaderEpoch);
            }
            return;
        }
        if (ownership.completeLoad(partition, leaderEpoch)) {
            log.debug("Coordinating {} of {}-{} in leader epoch {} (loaded in {} ms)", what, topic, partition,
                    leaderEpoch, (System.nanoTime() - startNanos) / 1_000_000);
            if (loadedSinceSummary++ == 0) {
                firstLoadNanos = startNanos;
            }
            if (loadsQueued.get() == 1) {
                // The last load queued: one line for the batch, not one per partition.
                log.info("Coordinating {} of {} partitions of {} (loaded in {} ms)", what, loadedSinceSummary, topic,
                        (System.nanoTime() - firstLoadNanos) / 1_000_000);
                loadedSinceSummary = 0;
            }
        } else if (ownership.state(partition) == null) {
            // Leadership moved on while the log was replayed: its unload may have run before the load finished.
            shards.unload(partition);
        }
    }
}
