package io.sluice.transaction;

import io.sluice.config.BrokerConfig;
import io.sluice.coordinator.CoordinatorLeadership;
import io.sluice.coordinator.CoordinatorOwnership;
import io.sluice.coordinator.PartitionWriter;
import io.sluice.metadata.MetadataImage;
import io.sluice.quorum.MetadataService;
import io.sluice.util.DaemonThreads;
import io.sluice.util.Futures;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings up the broker's side of transactions: the {@link TransactionCoordinator}, its marker sender, its timers,
 * and the following of __transaction_state's partition leadership. As in Kafka the topic is created
 * when first needed, at the first FindCoordinator for a transactional id ({@link #ensureTopic}), with
 * transaction.state.log.replication.factor and min.isr capped at the live brokers, so that a broker that never sees
 * a transaction carries no transaction state.
 *
 * <p>Threading: topic creation and partition loads run on a loader thread of its own; the timers on the broker's
 * shared scheduler only queue coordinator events.
 */
public final class TransactionCoordination implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionCoordination.class);
    private static final long RETRY_MS = 1000;
    private static final int COORDINATOR_THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());

    private final MetadataService metadata;
    private final BrokerConfig config;
    private final CoordinatorOwnership ownership;
    private final TransactionCoordinator coordinator;
    private final ScheduledExecutorService loader;
    private final ExecutorService events;
    private final TransactionMarkerSender markers;
    private final TransactionVerifier verifier;
    private final AtomicBoolean topicRequested = new AtomicBoolean();

    private TransactionCoordination(MetadataService metadata, BrokerConfig config, CoordinatorOwnership ownership,
                                    TransactionCoordinator coordinator, ScheduledExecutorService loader,
                                    ExecutorService events, TransactionMarkerSender markers,
                                    TransactionVerifier verifier) {
        this.metadata = metadata;
        this.config = config;
        this.ownership = ownership;
        this.coordinator = coordinator;
        this.loader = loader;
        this.events = events;
        this.markers = markers;
        this.verifier = verifier;
    }

    /**
     * The broker's transaction coordination, writing markers to its own partitions with {@code localMarkers}; follows
     * the topic's leadership at once if the topic exists already.
     */
    public static TransactionCoordination start(MetadataService metadata, PartitionWriter partitions,
                                                BrokerConfig config, TransactionCoordinator.ProducerIds producerIds,
                                                TransactionMarkerSender.LocalMarkerWriter localMarkers,
                                                ScheduledExecutorService timer) {
        MetadataImage image = metadata.image();
        int numPartitions = image.topic(TransactionStateTopic.NAME) != null
                ? image.topic(TransactionStateTopic.NAME).partitions().size() : config.transactionStateLogNumPartitions();
        CoordinatorOwnership ownership = new CoordinatorOwnership();
        ExecutorService events = Executors.newFixedThreadPool(COORDINATOR_THREADS,
                DaemonThreads.numbered("sluice-txn-coordinator"));
        TransactionCoordinator coordinator = new TransactionCoordinator(numPartitions, partitions, ownership,
                producerIds, TransactionConfig.of(config), Time.SYSTEM, events);
        TransactionMarkerSender markers = new TransactionMarkerSender(config.nodeId(), metadata::image, localMarkers,
                coordinator, Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sluice-txn-markers")));
        coordinator.setMarkerSender(markers);
        ScheduledExecutorService loader = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("sluice-txn-loader"));
        TransactionVerifier verifier = new TransactionVerifier(config.nodeId(), coordinator, metadata::image,
                Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sluice-txn-verifier")));
        TransactionCoordination coordination = new TransactionCoordination(metadata, config, ownership, coordinator,
                loader, events, markers, verifier);
        TransactionConfig settings = TransactionConfig.of(config);
        timer.scheduleWithFixedDelay(coordinator::abortTimedOutTransactions, settings.abortTimedOutIntervalMs(),
                settings.abortTimedOutIntervalMs(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(coordinator::removeExpiredTransactionalIds, settings.removeExpiredIntervalMs(),
                settings.removeExpiredIntervalMs(), TimeUnit.MILLISECONDS);
        coordination.follow();
        return coordination;
    }

    public TransactionCoordinator coordinator() {
        return coordinator;
    }

    /** What partition leaders ask before the first batch of a transaction (KIP-890). */
    public TransactionVerifier verifier() {
        return verifier;
    }

    /** Creates __transaction_state in the background unless it exists or is being created; returns at once. */
    public void ensureTopic() {
        if (metadata.image().topic(TransactionStateTopic.NAME) != null || !topicRequested.compareAndSet(false, true)) {
            return;
        }
        loader.execute(this::createTopic);
    }

    private void createTopic() {
        MetadataImage image = metadata.image();
        long live = image.brokers().values().stream().filter(b -> !b.fenced()).count();
        short replicationFactor = (short) Math.max(1, Math.min(config.transactionStateLogReplicationFactor(), live));
        int minInsync = Math.max(1, Math.min(config.transactionStateLogMinIsr(), replicationFactor));
        if (replicationFactor < config.transactionStateLogReplicationFactor()) {
            log.warn("Only {} live broker(s): creating {} with replication factor {} instead of "
                    + "transaction.state.log.replication.factor={}", live, TransactionStateTopic.NAME,
                    replicationFactor, config.transactionStateLogReplicationFactor());
        }
        try {
            metadata.controller().createTopic(TransactionStateTopic.NAME, coordinator.numPartitions(),
                    replicationFactor, TransactionStateTopic.configs(config.transactionStateLogSegmentBytes(),
                            minInsync), false).get();
            log.info("Created {} with {} partitions", TransactionStateTopic.NAME, coordinator.numPartitions());
        } catch (ExecutionException e) {
            if (!(Futures.unwrap(e) instanceof TopicExistsException)) {
                log.warn("Could not create {} yet; retrying: {}", TransactionStateTopic.NAME, Futures.unwrap(e).toString());
                loader.schedule(this::createTopic, RETRY_MS, TimeUnit.MILLISECONDS);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Follows the leadership of the topic's partitions, from now on: the topic may be created later, by this node or
     * another, and some of its partitions led here.
     */
    private void follow() {
        metadata.addListener(new CoordinatorLeadership(TransactionStateTopic.NAME, "the transactions",
                config.nodeId(), coordinator.numPartitions(), ownership, new CoordinatorLeadership.Shards() {
                    @Override
                    public void load(int partition) {
                        coordinator.loadPartition(partition, ownership.leaderEpoch(partition));
                    }

                    @Override
                    public void unload(int partition) {
                        coordinator.unloadPartition(partition);
                    }
                }, loader));
    }

    @Override
    public void close() {
        loader.shutdownNow();
        markers.close();
        verifier.close();
        events.shutdown();
    }
}
