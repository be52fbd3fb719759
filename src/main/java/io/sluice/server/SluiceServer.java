package io.sluice.server;

import io.sluice.util.DaemonThreads;
import io.sluice.broker.BrokerLifecycle;
import io.sluice.broker.ProducerIdManager;
import io.sluice.config.BrokerConfig;
import io.sluice.coordinator.CoordinatorOwnership;
import io.sluice.coordinator.PartitionWriter;
import io.sluice.config.Endpoint;
import io.sluice.config.QuorumVoter;
import io.sluice.group.DeferredOffsetStore;
import io.sluice.group.ExecutorGroupTimer;
import io.sluice.group.ConsumerGroupConfig;
import io.sluice.group.GroupConfig;
import io.sluice.group.ShareGroupConfig;
import io.sluice.group.share.SharePartitionManager;
import io.sluice.group.GroupCoordinator;
import io.sluice.group.offsets.GroupCoordination;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.quorum.MetadataServiceConfig;
import io.sluice.quorum.QuorumDiscovery;
import io.sluice.quorum.RatisMetadataService;
import io.sluice.network.KafkaListener;
import io.sluice.network.RequestThreads;
import io.sluice.partition.ReplicaManager;
import io.sluice.partition.SocketFetchTransport;
import io.sluice.protocol.ApiDispatcher;
import io.sluice.protocol.ApiRegistry;
import io.sluice.protocol.ApiVersionsHandler;
import io.sluice.protocol.admin.AdminApis;
import io.sluice.protocol.data.FetchHandler;
import io.sluice.protocol.data.InitProducerIdHandler;
import io.sluice.protocol.data.ListOffsetsHandler;
import io.sluice.protocol.data.MetadataHandler;
import io.sluice.protocol.data.OffsetForLeaderEpochHandler;
import io.sluice.protocol.data.ProduceHandler;
import io.sluice.protocol.group.GroupApis;
import io.sluice.protocol.share.ShareApis;
import io.sluice.protocol.txn.PartitionMarkerWriter;
import io.sluice.protocol.txn.TransactionApis;
import io.sluice.transaction.TransactionCoordination;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running broker: logs, metadata quorum, request threads and the Kafka listener, started in
 * dependency order and stopped in reverse.
 */
public final class SluiceServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SluiceServer.class);

    private static final java.time.Duration CONTROLLED_SHUTDOWN_TIMEOUT = java.time.Duration.ofSeconds(5);
    /** Threads running the classic groups' events (Kafka's group.coordinator.threads, capped by the cores). */
    private static final int GROUP_EVENT_THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());

    private final List<AutoCloseable> stopOrder = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private KafkaListener listener;
    private boolean closed;

    private SluiceServer() {
    }

    /** Starts every component; returns once the listener accepts connections. */
    public static SluiceServer start(BrokerConfig config) {
        SluiceServer server = new SluiceServer();
        try {
            server.startComponents(config);
            return server;
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof RuntimeException re ? re : new IllegalStateException("Start-up was interrupted", e);
        }
    }

    private void startComponents(BrokerConfig config) throws InterruptedException {
        long startNanos = System.nanoTime();
        int nodeId = config.nodeId();

        LogManager logs = new LogManager(config.logDirs(), config.topicDefaults(), config.logRetentionCheckIntervalMs(),
                config.logCleanerEnable(), config.logCleanerBackoffMs(), Time.SYSTEM);
        logs.setStrayDeleteDelayMs(config.logStrayDeleteDelayMs());
        logs.setProducerIdExpiration(config.producerIdExpirationMs(), config.producerIdExpirationCheckIntervalMs());
        logs.startup();
        stopOrder.add(logs::shutdown);

        Path metadataDir = config.logDirs().get(0).resolve("__cluster_metadata");
        RatisMetadataService metadata = RatisMetadataService.start(metadataConfig(config, metadataDir));
        stopOrder.add(metadata);
        if (!config.processRoles().contains("broker")) {
            log.info("Sluice controller {} started in {} ms (no broker role)", nodeId,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            return;
        }

        ExecutorService requestThreads = RequestThreads.create(config.numIoThreads());
        stopOrder.add(requestThreads::shutdownNow);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("sluice-timer"));
        stopOrder.add(timer::shutdownNow);
        ReplicaManager partitions = new ReplicaManager(nodeId, logs, config.topicDefaults(), metadata.controller(), timer,
                config.replicaLagTimeMaxMs(), Time.SYSTEM, SocketFetchTransport::connect).start();
        stopOrder.add(partitions);
        metadata.addListener(partitions);

        ApiRegistry registry = new ApiRegistry();
        registry.register(ApiKeys.API_VERSIONS, 0, 4, new ApiVersionsHandler(registry, config.transactionVersion(),
                        () -> metadata.image().offset()))
                .register(ApiKeys.METADATA, 0, 13, new MetadataHandler(nodeId, metadata, config.autoCreateTopicsEnable()))
                .register(ApiKeys.FETCH, 4, 17, new FetchHandler(metadata, partitions, partitions.watchers(), timer,
                        requestThreads))
                .register(ApiKeys.LIST_OFFSETS, 1, 10, new ListOffsetsHandler(partitions))
                .register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4, new OffsetForLeaderEpochHandler(partitions));
        AdminApis.register(registry, metadata, partitions, config, nodeId);
        ExecutorGroupTimer groupTimer = new ExecutorGroupTimer();
        stopOrder.add(groupTimer);
        DeferredOffsetStore offsetStore = new DeferredOffsetStore();
        CoordinatorOwnership ownership = new CoordinatorOwnership();
        ExecutorService groupEvents = Executors.newFixedThreadPool(GROUP_EVENT_THREADS,
                DaemonThreads.numbered("sluice-group-events"));
        stopOrder.add(groupEvents::shutdownNow);
        ConsumerGroupConfig consumerGroups = ConsumerGroupConfig.of(config);
        GroupCoordinator groups = new GroupCoordinator(offsetStore, groupTimer, new GroupConfig(
                config.groupInitialRebalanceDelayMs(), config.groupMinSessionTimeoutMs(),
                config.groupMaxSessionTimeoutMs(), config.groupMaxSize(), consumerGroups, ShareGroupConfig.of(config)),
                ownership::errorFor,
                groupEvents, metadata::image);
        stopOrder.add(groups);
        ProducerIdManager producerIds = new ProducerIdManager(nodeId, metadata.controller());
        PartitionMarkerWriter markers = new PartitionMarkerWriter(partitions, offsetStore);
        TransactionCoordination transactions = TransactionCoordination.start(metadata, PartitionWriter.of(partitions),
                config, producerIds::nextId, markers, timer);
        stopOrder.add(transactions);
        registry.register(ApiKeys.INIT_PRODUCER_ID, 0, 5, new InitProducerIdHandler(producerIds,
                transactions.coordinator()));
        registry.register(ApiKeys.PRODUCE, 3, 13, new ProduceHandler(metadata, partitions, transactions.verifier(),
                requestThreads, config.transactionPartitionVerificationEnable()));
        GroupApis.register(registry, groups, metadata, transactions::ensureTopic, transactions.verifier()::add,
                config.consumerGroupProtocolEnabled());
        TransactionApis.register(registry, transactions.coordinator(), metadata, markers);
        if (config.shareGroupProtocolEnabled()) {
            ScheduledExecutorService shareFetchWaits = Executors.newSingleThreadScheduledExecutor(
                    DaemonThreads.numbered("sluice-share-fetch-waits"));
            stopOrder.add(shareFetchWaits::shutdownNow);
            ShareApis.register(registry, groups, metadata, new SharePartitionManager(partitions,
                    ShareGroupConfig.of(config).partitionConfig(), System::currentTimeMillis,
                    groupId -> metadata.image().groupConfigs(groupId)), shareFetchWaits);
        }

        Endpoint endpoint = config.listeners().get(0);
        listener = KafkaListener.bind(endpoint, config.numNetworkThreads(), config.socketRequestMaxBytes(),
                new ApiDispatcher(registry), requestThreads);
        stopOrder.add(listener);

        Endpoint advertised = config.advertisedListeners().get(0);
        int advertisedPort = advertised.port() == 0 ? listener.port() : advertised.port();
        BrokerLifecycle lifecycle = new BrokerLifecycle(metadata.controller(), nodeId, advertised.host(), advertisedPort,
                config.brokerRack(), timer, BrokerLifecycle.heartbeatIntervalFor(config.brokerSessionTimeoutMs()),
                CONTROLLED_SHUTDOWN_TIMEOUT);
        lifecycle.start(MetadataServiceConfig.DEFAULT_START_TIMEOUT);
        stopOrder.add(lifecycle);
        stopOrder.add(GroupCoordination.startInBackground(metadata, partitions, config, groups, offsetStore, ownership,
                timer));
        log.info("Sluice broker {} started in {} ms, serving {}:{}", nodeId,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), advertised.host(), advertisedPort);
    }

    /**
     * A combined broker and controller that is the lone voter keeps the zero-config single-node quorum (ephemeral
     * Raft port, fast first election). Otherwise the voters from controller.quorum.voters form the quorum: a
     * controller binds its own voter address, a broker-only node follows the log as a listener on the advertised
     * host (so a lone controller-only node serves broker-only nodes too).
     */
    static MetadataServiceConfig metadataConfig(BrokerConfig config, Path metadataDir) {
        int nodeId = config.nodeId();
        MetadataServiceConfig metadata = MetadataServiceConfig.singleNode(metadataDir, nodeId, config.numPartitions(),
                        config.defaultReplicationFactor(), LogConfig::validate)
                .toBuilder()
                .sessionTimeout(java.time.Duration.ofMillis(config.brokerSessionTimeoutMs()))
                .uncleanLeaderElection(config.uncleanLeaderElectionEnable())
                .build();
        List<QuorumVoter> voters = config.controllerQuorumBootstrapServers().isEmpty()
                ? config.controllerQuorumVoters() : discoverVoters(config);
        boolean controllerRole = config.processRoles().contains("controller");
        QuorumVoter own = voters.stream().filter(v -> v.nodeId() == nodeId).findFirst().orElse(null);
        if (voters.size() == 1 && own != null && config.processRoles().contains("broker")) {
            return metadata;
        }
        if (controllerRole != (own != null)) {
            throw new IllegalArgumentException("node.id " + nodeId + (controllerRole
                    ? " has the controller role but is not in controller.quorum.voters " + voters
                    : " is in controller.quorum.voters but process.roles lacks controller"));
        }
        InetSocketAddress raft = own != null ? new InetSocketAddress(own.host(), own.port())
                : new InetSocketAddress(config.advertisedListeners().get(0).host(), 0);
        return metadata.toBuilder().voters(voters).raftAddress(raft).build();
    }

    /**
     * A broker-only node given controller.quorum.bootstrap.servers asks them for the voters; from then on it is set
     * up exactly as if it had been given that voters list (and derives the same cluster id from it).
     */
    private static List<QuorumVoter> discoverVoters(BrokerConfig config) {
        List<InetSocketAddress> servers = config.controllerQuorumBootstrapServers().stream()
                .map(s -> InetSocketAddress.createUnresolved(s.host(), s.port())).toList();
        return QuorumDiscovery.discover(servers, MetadataServiceConfig.DEFAULT_START_TIMEOUT);
    }


    /** The port the first listener is bound to (the real one when configured with port 0). */
    public int boundPort() {
        return listener == null ? -1 : listener.port();
    }

    /** Blocks until {@link #close()} has run (e.g. from a shutdown hook). */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Clean shutdown: stops accepting, then stops components in reverse start order. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> reverse = new ArrayList<>(stopOrder);
        Collections.reverse(reverse);
        for (AutoCloseable component : reverse) {
            try {
                component.close();
            } catch (Exception e) {
                log.warn("Error while stopping {}", component, e);
            }
        }
        stopped.countDown();
        log.info("Sluice broker stopped");
    }
}
