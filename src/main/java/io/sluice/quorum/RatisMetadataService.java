package io.sluice.quorum;

import io.sluice.config.QuorumVoter;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.util.Futures;
import io.sluice.util.DaemonThreads;
import io.sluice.controller.Controller;
import io.sluice.controller.QuorumController;
import io.sluice.metadata.MetadataRecord.ClusterIdRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.ProtoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's member of the metadata quorum: an Apache Ratis server (gRPC) whose group id is derived from the
 * cluster id, the {@link MetadataStateMachine} holding the image, and the controller. Controllers (the nodes in
 * the voters list) are Raft voters; any other node is a Raft listener that asks the leader to add it to the
 * configuration and then receives the log like a follower, without voting. The Raft leader is the active
 * controller: once it has applied its term's first entry it tracks broker sessions and fences lapsed brokers.
 * Start with {@link #start(MetadataServiceConfig)}; {@link #close()} stops the timers, the clients and the server.
 */
public final class RatisMetadataService implements MetadataService {
    private static final Logger LOG = LoggerFactory.getLogger(RatisMetadataService.class);
    static final String RAFT_DIR = "raft";
    static final String REMOVED_GROUPS_DIR = "raft-removed-groups";
    /** A listener keeps its Raft port across restarts: the leader's configuration holds its address. */
    static final String LISTENER_PORT_FILE = "raft-listener.port";
    /** Kafka's leader.imbalance.check.interval.seconds default. */
    private static final long PREFERRED_LEADER_CHECK_INTERVAL_MS = 300_000L;

    private final MetaProperties meta;
    private final RaftGroup group;
    private final RaftPeerId self;
    private final MetadataStateMachine stateMachine;
    private final RaftServer server;
    private final LazyRaftClient client;
    private final LazyRaftClient heartbeatClient;
    private final RatisRecordProposer proposer;
    private final QuorumController controller;
    private final Controller routedController;
    private final ScheduledExecutorService timer;
    private boolean closed;

    private RatisMetadataService(MetaProperties meta, RaftGroup group, RaftPeerId self,
                                 MetadataStateMachine stateMachine, RaftServer server, LazyRaftClient client,
                                 LazyRaftClient heartbeatClient, RatisRecordProposer proposer,
                                 QuorumController controller, ScheduledExecutorService timer) {
        this.meta = meta;
        this.group = group;
        this.self = self;
        this.stateMachine = stateMachine;
        this.server = server;
        this.client = client;
        this.heartbeatClient = heartbeatClient;
        this.proposer = proposer;
        this.controller = controller;
        this.timer = timer;
        this.routedController = new HeartbeatRoutingController(controller, this::sendHeartbeat);
    }

    /**
     * Starts the node's Raft server (formatting its storage on first boot) and returns once the local image has
     * caught up with the committed log and, when this node leads, the cluster id is recorded in the log.
     */
    public static RatisMetadataService start(MetadataServiceConfig config) {
        try {
            Files.createDirectories(config.metadataDir());
            MetaProperties meta = MetaProperties.loadOrCreate(config.metadataDir(), config.nodeId(),
                    config.clusterId() != null ? config.clusterId() : sharedClusterId(config));
            boolean voter = config.isVoter();
            InetSocketAddress bind = voter ? resolvePort(config.raftAddress())
                    : listenerAddress(config.metadataDir(), config.raftAddress());
            RaftPeerId self = peerId(config.nodeId());
            RaftGroup group = RaftGroup.valueOf(groupId(meta.clusterId()), peers(config, bind, voter));
            Path raftDir = config.metadataDir().resolve(RAFT_DIR);
            RaftProperties props = RaftSettings.server(raftDir, config.metadataDir().resolve(REMOVED_GROUPS_DIR),
                    bind.getHostString(), bind.getPort(), config.singleVoter(), config.snapshotThreshold());
            MetadataStateMachine stateMachine = new MetadataStateMachine();
            RaftPeerId firstContact = voter ? self : peerId(config.voters().get(0).nodeId());
            Supplier<RaftClient> clients = () -> RaftClient.newBuilder()
                    .setRaftGroup(group)
                    .setLeaderId(firstContact)
                    .setProperties(RaftSettings.client())
                    .setRetryPolicy(RaftSettings.clientRetryPolicy())
                    .build();
            LazyRaftClient client = new LazyRaftClient(clients);
            LazyRaftClient heartbeatClient = new LazyRaftClient(() -> RaftClient.newBuilder()
                    .setRaftGroup(group)
                    .setLeaderId(firstContact)
                    .setProperties(RaftSettings.heartbeatClient())
                    .setRetryPolicy(RetryPolicies.noRetry())
                    .build());
            RatisRecordProposer proposer = new RatisRecordProposer(clients, stateMachine);
            QuorumController controller = new QuorumController(stateMachine::image, proposer,
                    config.defaultNumPartitions(), config.defaultReplicationFactor(), config.topicConfigValidator(),
                    RatisMetadataService::monotonicMs, config.sessionTimeout().toMillis(),
                    config.uncleanLeaderElection());
            // Wired before the server starts: a lone voter may become leader at once.
            stateMachine.setLeadershipListener(new MetadataStateMachine.LeadershipListener() {
                @Override
                public void becameActive(long term) {
                    LOG.info("Node {} is the active controller in term {}", config.nodeId(), term);
                    controller.activate(term);
                }

                @Override
                public void resigned() {
                    LOG.info("Node {} is no longer the active controller", config.nodeId());
                    controller.resign();
                }
            });
            stateMachine.setQueryHandler(request -> answer(controller, request));
            RaftServer server = RaftServer.newBuilder()
                    .setServerId(self)
                    .setGroup(group)
                    .setProperties(props)
                    .setStateMachine(stateMachine)
                    .setOption(isEmpty(raftDir.resolve(group.getGroupId().getUuid().toString()))
                            ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
                    .build();
            proposer.submitLocallyWhileLeading(new LocalLeaderSubmitter(server, group.getGroupId(), self));
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sluice-controller-timer"));
            RatisMetadataService service = null;
            try {
                server.start();
                service = new RatisMetadataService(meta, group, self, stateMachine, server,
                        client, heartbeatClient, proposer, controller, timer);
                stateMachine.setQueryHandler(service::answer);
                long deadline = System.nanoTime() + config.startTimeout().toNanos();
                if (!voter) {
                    service.joinAsListener(group.getPeer(self), deadline);
                }
                service.awaitCaughtUp(config.startTimeout().toNanos());
                service.recordClusterId(proposer, config.startTimeout().toNanos());
                service.scheduleControllerDuties(config.sessionTimeout().toMillis());
                return service;
            } catch (RuntimeException | IOException e) {
                timer.shutdownNow();
                proposer.close();
                closeQuietly(heartbeatClient, null);
                closeQuietly(client, server);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the metadata quorum in " + config.metadataDir(), e);
        }
    }

    private static long monotonicMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** The active controller's side of {@link ControllerRpc}: anything but a heartbeat is refused. */
    private static CompletableFuture<byte[]> answer(QuorumController controller, byte[] request) {
        ControllerRpc.Heartbeat heartbeat;
        try {
            heartbeat = ControllerRpc.decodeHeartbeat(request);
        } catch (IOException e) {
            return CompletableFuture.completedFuture(ControllerRpc.encodeError(Errors.INVALID_REQUEST));
        }
        return controller.brokerHeartbeat(heartbeat.brokerId(), heartbeat.incarnationId())
                .exceptionally(error -> Errors.forException(error))
                .thenApply(ControllerRpc::encodeError);
    }

    /** The leader's side of {@link ControllerRpc}: heartbeats go to the controller, DescribeQuorum is read off Ratis. */
    private CompletableFuture<byte[]> answer(byte[] request) {
        if (!ControllerRpc.isDescribeQuorum(request)) {
            return answer(controller, request);
        }
        try {
            return CompletableFuture.completedFuture(ControllerRpc.encodeQuorum(localQuorum()));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private QuorumDescription localQuorum() throws IOException {
        return new RaftQuorumInspector(System::currentTimeMillis).describe(server.getDivision(group.getGroupId()));
    }

    /** Answered by the leader, which alone knows its followers' progress; else from what this node knows. */
    @Override
    public CompletableFuture<QuorumDescription> describeQuorum() {
        QuorumDescription local;
        try {
            local = localQuorum();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        RaftPeerId leader = leaderId();
        if (leader == null || leader.equals(self)) {
            return CompletableFuture.completedFuture(local);
        }
        Message message = Message.valueOf(ByteString.copyFrom(ControllerRpc.encodeDescribeQuorum()));
        return heartbeatClient.get().async().sendReadOnly(message, leader).handle((reply, error) -> {
            if (error != null || !reply.isSuccess()) {
                return local;
            }
            try {
                return ControllerRpc.decodeQuorum(reply.getMessage().getContent().toByteArray());
            } catch (IOException e) {
                return local;
            }
        });
    }

    /** A heartbeat from this node to whichever node leads; NOT_CONTROLLER when none is known or it is not ready. */
    private CompletableFuture<Errors> sendHeartbeat(int brokerId, Uuid incarnationId) {
        RaftPeerId leader = leaderId();
        if (leader == null) {
            return CompletableFuture.completedFuture(Errors.NOT_CONTROLLER);
        }
        Message message = Message.valueOf(ByteString.copyFrom(ControllerRpc.encodeHeartbeat(brokerId, incarnationId)));
        RaftClient sender = heartbeatClient.get();
        return sender.async().sendReadOnly(message, leader).handle((reply, error) -> {
            if (error != null && Futures.unwrap(error) instanceof AlreadyClosedException && heartbeatClient.renew(sender)) {
                // A closed window fails every later send too: without a new client this node's heartbeats would
                // never reach a controller again and it would stay fenced.
                LOG.info("Replaced the heartbeat Raft client after its request window closed");
            }
            if (error != null || !reply.isSuccess()) {
                return Errors.NOT_CONTROLLER;
            }
            return ControllerRpc.decodeError(reply.getMessage().getContent().toByteArray());
        });
    }

    private void scheduleControllerDuties(long sessionTimeoutMs) {
        long checkEveryMs = Math.max(50, Math.min(500, sessionTimeoutMs / 8));
        timer.scheduleWithFixedDelay(() -> controller.fenceExpiredBrokers().whenComplete((fenced, error) -> {
            if (error != null) {
                LOG.warn("Fencing brokers with lapsed sessions failed: {}", error.toString());
            } else if (!fenced.isEmpty()) {
                LOG.info("Fenced broker(s) {}: no heartbeat for {} ms", fenced, sessionTimeoutMs);
            }
        }), checkEveryMs, checkEveryMs, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> {
            if (controller.isActive()) {
                controller.electLeaders(ElectionType.PREFERRED, null).whenComplete((results, error) -> {
                    if (error != null) {
                        LOG.warn("Preferred leader election failed: {}", error.toString());
                    }
                });
            }
        }, PREFERRED_LEADER_CHECK_INTERVAL_MS, PREFERRED_LEADER_CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Asks the leader to add this node to the configuration as a listener, keeping every other member. Ratis' ADD mode
     * would be the natural call, but (3.3.0) it stages only the listeners named in the request, so each joining
     * broker-only node would silently drop the listeners added before it from the configuration. Instead this reads
     * the current configuration and compares-and-sets it with this node added. Retried until the deadline: the quorum
     * may still be electing, or reconfiguring for another node (then the compare fails and the next try sees it).
     */
    private void joinAsListener(RaftPeer me, long deadlineNanos) throws IOException {
        Exception last = null;
        while (System.nanoTime() - deadlineNanos < 0) {
            try {
                RaftConfigurationProto current = currentConfiguration();
                List<RaftPeer> servers = ProtoUtils.toRaftPeers(current.getPeersList());
                List<RaftPeer> listeners = ProtoUtils.toRaftPeers(current.getListenersList());
                if (listeners.stream().anyMatch(p -> p.getId().equals(me.getId()) && p.getAddress().equals(me.getAddress()))) {
                    LOG.info("Node {} follows the metadata log as a listener (already in the configuration)", self);
                    return;
                }
                List<RaftPeer> newListeners = new ArrayList<>(listeners);
                newListeners.removeIf(p -> p.getId().equals(me.getId()));
                newListeners.add(me);
                SetConfigurationRequest.Arguments join = SetConfigurationRequest.Arguments.newBuilder()
                        .setServersInCurrentConf(servers)
                        .setListenersInCurrentConf(listeners)
                        .setServersInNewConf(servers)
                        .setListenersInNewConf(newListeners)
                        .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET)
                        .build();
                RaftClientReply reply = client.get().admin().setConfiguration(join);
                if (reply.isSuccess()) {
                    LOG.info("Node {} follows the metadata log as a listener", self);
                    return;
                }
                last = reply.getException();
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while joining the metadata quorum", e);
            }
        }
        throw new IOException("Could not join the metadata quorum as a listener", last);
    }

    /** The Raft configuration as the first voter that answers knows it. */
    private RaftConfigurationProto currentConfiguration() throws IOException {
        IOException last = null;
        for (RaftPeer voter : group.getPeers()) {
            if (voter.getStartupRole() == RaftPeerRole.LISTENER) {
                continue;
            }
            try {
                GroupInfoReply info = client.get().getGroupManagementApi(voter.getId()).info(group.getGroupId());
                if (info.getConf().isPresent()) {
                    return info.getConf().get();
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw last != null ? last : new IOException("No voter reported the Raft configuration");
    }

    @Override
    public MetadataImage image() {
        return stateMachine.image();
    }

    @Override
    public void addListener(MetadataListener listener) {
        stateMachine.addListener(listener);
    }

    /**
     * This node's controller. Admin changes computed here are relayed to the leader through the log; broker
     * heartbeats go to the active controller as a Ratis read-only request.
     */
    @Override
    public Controller controller() {
        return routedController;
    }

    /** The local controller, active when this node leads (for tests and the node's own timers). */
    public QuorumController quorumController() {
        return controller;
    }

    /** The node id of the current Raft leader, the active controller, or -1 while none is known. */
    @Override
    public int activeControllerId() {
        RaftPeerId leader = leaderId();
        return leader == null ? -1 : Integer.parseInt(leader.toString());
    }

    private RaftPeerId leaderId() {
        try {
            return server.getDivision(group.getGroupId()).getInfo().getLeaderId();
        } catch (IOException e) {
            return null;
        }
    }

    public String clusterId() {
        return meta.clusterId();
    }

    public RaftGroupId groupId() {
        return group.getGroupId();
    }

    /** True while this node is the Raft leader and has applied its term's first entry. */
    public boolean isActiveController() {
        try {
            DivisionInfo info = server.getDivision(group.getGroupId()).getInfo();
            return info.isLeader() && info.isLeaderReady();
        } catch (IOException e) {
            return false;
        }
    }

    /** Raft index of the snapshot the image was loaded from at start (or by InstallSnapshot), -1 if none. */
    public long loadedSnapshotIndex() {
        return stateMachine.loadedSnapshotIndex();
    }

    /** Snapshots the image at the current apply index now; returns that index. */
    public long takeSnapshot(java.time.Duration timeout) throws IOException {
        org.apache.ratis.protocol.RaftClientReply reply = client.get().getSnapshotManagementApi(self)
                .create(true, timeout.toMillis());
        if (!reply.isSuccess()) {
            throw new IOException("Snapshot failed", reply.getException());
        }
        return reply.getLogIndex();
    }

    MetadataStateMachine stateMachine() {
        return stateMachine;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        controller.resign();
        proposer.close();
        closeQuietly(heartbeatClient, null);
        closeQuietly(client, server);
    }

    private void awaitCaughtUp(long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        RaftServer.Division division = server.getDivision(group.getGroupId());
        Object monitor = stateMachine.progressMonitor();
        synchronized (monitor) {
            while (!caughtUp(division)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("The metadata quorum did not become ready within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (role "
                            + division.getInfo().getCurrentRole() + ")");
                }
                try {
                    // Bounded wait: Ratis role changes do not all pass through the state machine's callbacks.
                    monitor.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 20)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the metadata quorum", e);
                }
            }
        }
    }

    private boolean caughtUp(RaftServer.Division division) {
        DivisionInfo info = division.getInfo();
        if (info.isLeader()) {
            return info.isLeaderReady() && stateMachine.isLeaderReady();
        }
        return info.getLeaderId() != null
                && stateMachine.getLastAppliedTermIndex().getIndex() >= division.getRaftLog().getLastCommittedIndex();
    }

    private void recordClusterId(RatisRecordProposer proposer, long timeoutNanos) {
        String recorded = stateMachine.image().clusterId();
        if (recorded == null && isActiveController()) {
            try {
                proposer.propose(List.of(new ClusterIdRecord(meta.clusterId())))
                        .get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while recording the cluster id", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Cannot record the cluster id in the metadata log", e);
            }
            recorded = stateMachine.image().clusterId();
        }
        if (recorded != null && !recorded.equals(meta.clusterId())) {
            throw new IllegalStateException("The metadata log belongs to cluster " + recorded + " but "
                    + MetaProperties.FILE_NAME + " says " + meta.clusterId());
        }
        LOG.info("Metadata quorum ready: node {} in cluster {} (group {}), image offset {}", self, meta.clusterId(),
                group.getGroupId(), stateMachine.image().offset());
    }

    static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(Integer.toString(nodeId));
    }

    /** Every node derives the same group id from the cluster id, so no extra coordination is needed. */
    static RaftGroupId groupId(String clusterId) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("sluice-metadata/" + clusterId)
                .getBytes(StandardCharsets.UTF_8)));
    }

    private static List<RaftPeer> peers(MetadataServiceConfig config, InetSocketAddress bind, boolean voter) {
        List<RaftPeer> peers = new ArrayList<>();
        if (config.voters().isEmpty()) {
            peers.add(peer(config.nodeId(), bind, RaftPeerRole.FOLLOWER));
            return peers;
        }
        for (QuorumVoter v : config.voters()) {
            peers.add(peer(v.nodeId(), v.nodeId() == config.nodeId() ? bind : v.address(), RaftPeerRole.FOLLOWER));
        }
        if (!voter) {
            peers.add(peer(config.nodeId(), bind, RaftPeerRole.LISTENER));
        }
        return peers;
    }

    private static RaftPeer peer(int nodeId, InetSocketAddress address, RaftPeerRole role) {
        return RaftPeer.newBuilder()
                .setId(peerId(nodeId))
                .setAddress(address.getHostString() + ":" + address.getPort())
                .setStartupRole(role)
                .build();
    }

    /**
     * Without a configured cluster id, every node given a voters list derives the same one from it, so a cluster
     * forms with no formatting step; the zero-config single node (no voters list) makes up a random one.
     */
    static String sharedClusterId(MetadataServiceConfig config) {
        return config.voters().isEmpty() ? null : sharedClusterId(config.voters());
    }

    /** The cluster id every node given these voters derives (also what a bootstrapping broker checks against). */
    static String sharedClusterId(List<QuorumVoter> voters) {
        StringBuilder key = new StringBuilder("sluice-cluster");
        voters.stream().sorted(java.util.Comparator.comparingInt(QuorumVoter::nodeId)).forEach(v ->
                key.append('/').append(v.nodeId()).append('@').append(v.address().getHostString())
                        .append(':').append(v.address().getPort()));
        UUID uuid = UUID.nameUUIDFromBytes(key.toString().getBytes(StandardCharsets.UTF_8));
        return new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits()).toString();
    }

    /** The listener's Raft address: the configured port, else the one picked on first start and kept in a file. */
    private static InetSocketAddress listenerAddress(Path metadataDir, InetSocketAddress configured) throws IOException {
        if (configured.getPort() != 0) {
            return configured;
        }
        Path file = metadataDir.resolve(LISTENER_PORT_FILE);
        if (Files.exists(file)) {
            int port = Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).trim());
            return new InetSocketAddress(configured.getHostString(), port);
        }
        InetSocketAddress picked = resolvePort(configured);
        Files.writeString(file, Integer.toString(picked.getPort()), StandardCharsets.UTF_8);
        return picked;
    }

    /** Ratis advertises the configured port, so port 0 is replaced by a currently free one before starting. */
    private static InetSocketAddress resolvePort(InetSocketAddress address) throws IOException {
        if (address.getPort() != 0) {
            return address;
        }
        try (ServerSocket socket = new ServerSocket(0, 1, address.isUnresolved() ? null : address.getAddress())) {
            return new InetSocketAddress(address.getHostString(), socket.getLocalPort());
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void closeQuietly(AutoCloseable client, RaftServer server) {
        if (client != null) {
            try {
                client.close();
            } catch (Exception e) {
                LOG.warn("Closing the metadata Raft client failed", e);
            }
        }
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing the metadata Raft server failed", e);
        }
    }
}
