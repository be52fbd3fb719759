package io.sluice.metadata;

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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's member of the metadata quorum: an Apache Ratis server (gRPC) whose group id is derived from the
 * cluster id, the {@link MetadataStateMachine} holding the image, and, on the leader, the controller.
 * Start with {@link #start(MetadataServiceConfig)}; {@link #close()} stops the client and the server.
 */
public final class RatisMetadataService implements MetadataService {
    private static final Logger LOG = LoggerFactory.getLogger(RatisMetadataService.class);
    static final String RAFT_DIR = "raft";
    static final String REMOVED_GROUPS_DIR = "raft-removed-groups";

    private final MetaProperties meta;
    private final RaftGroup group;
    private final RaftPeerId self;
    private final MetadataStateMachine stateMachine;
    private final RaftServer server;
    private final RaftClient client;
    private final QuorumController controller;
    private boolean closed;

    private RatisMetadataService(MetaProperties meta, RaftGroup group, RaftPeerId self,
                                 MetadataStateMachine stateMachine, RaftServer server, RaftClient client,
                                 QuorumController controller) {
        this.meta = meta;
        this.group = group;
        this.self = self;
        this.stateMachine = stateMachine;
        this.server = server;
        this.client = client;
        this.controller = controller;
    }

    /**
     * Starts the node's Raft server (formatting its storage on first boot) and returns once the local image has
     * caught up with the committed log and, when this node leads, the cluster id is recorded in the log.
     */
    public static RatisMetadataService start(MetadataServiceConfig config) {
        try {
            Files.createDirectories(config.metadataDir());
            MetaProperties meta = MetaProperties.loadOrCreate(config.metadataDir(), config.nodeId(), config.clusterId());
            InetSocketAddress bind = resolvePort(config.raftAddress());
            RaftPeerId self = peerId(config.nodeId());
            RaftGroup group = RaftGroup.valueOf(groupId(meta.clusterId()), peers(config, bind));
            if (group.getPeer(self) == null) {
                throw new IllegalArgumentException("Node " + config.nodeId() + " is not among the voters "
                        + config.voters());
            }
            Path raftDir = config.metadataDir().resolve(RAFT_DIR);
            RaftProperties props = RaftSettings.server(raftDir, config.metadataDir().resolve(REMOVED_GROUPS_DIR),
                    bind.getHostString(), bind.getPort(), config.singleVoter(), config.snapshotThreshold());
            MetadataStateMachine stateMachine = new MetadataStateMachine();
            RaftServer server = RaftServer.newBuilder()
                    .setServerId(self)
                    .setGroup(group)
                    .setProperties(props)
                    .setStateMachine(stateMachine)
                    .setOption(isEmpty(raftDir.resolve(group.getGroupId().getUuid().toString()))
                            ? RaftStorage.StartupOption.FORMAT : RaftStorage.StartupOption.RECOVER)
                    .build();
            RaftClient client = null;
            try {
                server.start();
                client = RaftClient.newBuilder()
                        .setRaftGroup(group)
                        .setLeaderId(self)
                        .setProperties(RaftSettings.client())
                        .setRetryPolicy(RaftSettings.clientRetryPolicy())
                        .build();
                RatisRecordProposer proposer = new RatisRecordProposer(client);
                QuorumController controller = new QuorumController(stateMachine::image, proposer,
                        config.defaultNumPartitions(), config.defaultReplicationFactor(),
                        config.topicConfigValidator());
                RatisMetadataService service = new RatisMetadataService(meta, group, self, stateMachine, server,
                        client, controller);
                service.awaitCaughtUp(config.startTimeout().toNanos());
                service.recordClusterId(proposer, config.startTimeout().toNanos());
                return service;
            } catch (RuntimeException | IOException e) {
                closeQuietly(client, server);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the metadata quorum in " + config.metadataDir(), e);
        }
    }

    @Override
    public MetadataImage image() {
        return stateMachine.image();
    }

    @Override
    public void addListener(MetadataListener listener) {
        stateMachine.addListener(listener);
    }

    @Override
    public Controller controller() {
        return controller;
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
        org.apache.ratis.protocol.RaftClientReply reply = client.getSnapshotManagementApi(self)
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

    private static List<RaftPeer> peers(MetadataServiceConfig config, InetSocketAddress bind) {
        List<RaftPeer> peers = new ArrayList<>();
        if (config.voters().isEmpty()) {
            peers.add(peer(config.nodeId(), bind));
            return peers;
        }
        for (QuorumVoter voter : config.voters()) {
            peers.add(peer(voter.nodeId(), voter.nodeId() == config.nodeId() ? bind : voter.address()));
        }
        return peers;
    }

    private static RaftPeer peer(int nodeId, InetSocketAddress address) {
        return RaftPeer.newBuilder()
                .setId(peerId(nodeId))
                .setAddress(address.getHostString() + ":" + address.getPort())
                .build();
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

    private static void closeQuietly(RaftClient client, RaftServer server) {
        if (client != null) {
            try {
                client.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Closing the metadata Raft client failed", e);
            }
        }
        try {
            server.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing the metadata Raft server failed", e);
        }
    }
}
