package io.sluice.metadata;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How to start a node's metadata service.
 *
 * @param metadataDir            holds meta.properties and the Raft storage (the broker passes
 *                               {@code <log.dirs[0]>/__cluster_metadata})
 * @param nodeId                 this node's id (Kafka's node.id)
 * @param clusterId              the cluster to join, or null to load the stored one or create a new one
 * @param raftAddress            where this node's Raft gRPC server binds; port 0 picks a free port
 * @param voters                 the quorum's voters; empty means a one-voter group made of this node alone
 * @param defaultNumPartitions   used by createTopic when asked for -1 partitions (num.partitions)
 * @param defaultReplicationFactor used by createTopic when asked for -1 (default.replication.factor)
 * @param topicConfigValidator   throws InvalidConfigurationException for bad topic overrides (LogConfig::validate)
 * @param snapshotThreshold      applied log entries between automatic snapshots
 * @param startTimeout           how long start may wait for the local image to catch up with the log
 * @param sessionTimeout         broker.session.timeout.ms: the active controller fences a broker silent this long
 * @param uncleanLeaderElection  unclean.leader.election.enable of the cluster (topics may override it)
 *
 * <p>A node listed in {@code voters} is a controller (a Raft voter); any other node follows the metadata log as a
 * Raft listener (a broker-only node) and binds its own Raft server on {@code raftAddress}.
 */
public record MetadataServiceConfig(Path metadataDir, int nodeId, String clusterId, InetSocketAddress raftAddress,
                                    List<QuorumVoter> voters, int defaultNumPartitions,
                                    short defaultReplicationFactor,
                                    Consumer<Map<String, String>> topicConfigValidator,
                                    long snapshotThreshold, Duration startTimeout, Duration sessionTimeout,
                                    boolean uncleanLeaderElection) {
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000L;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofMillis(9_000);

    public MetadataServiceConfig(Path metadataDir, int nodeId, String clusterId, InetSocketAddress raftAddress,
                                 List<QuorumVoter> voters, int defaultNumPartitions, short defaultReplicationFactor,
                                 Consumer<Map<String, String>> topicConfigValidator, long snapshotThreshold,
                                 Duration startTimeout) {
        this(metadataDir, nodeId, clusterId, raftAddress, voters, defaultNumPartitions, defaultReplicationFactor,
                topicConfigValidator, snapshotThreshold, startTimeout, DEFAULT_SESSION_TIMEOUT, false);
    }

    public MetadataServiceConfig {
        Objects.requireNonNull(metadataDir, "metadataDir");
        Objects.requireNonNull(raftAddress, "raftAddress");
        Objects.requireNonNull(topicConfigValidator, "topicConfigValidator");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        voters = List.copyOf(voters);
        if (snapshotThreshold <= 0) {
            throw new IllegalArgumentException("snapshotThreshold must be positive: " + snapshotThreshold);
        }
    }

    /** A one-voter quorum on an ephemeral loopback port, with the cluster id stored in (or created for) the dir. */
    public static MetadataServiceConfig singleNode(Path metadataDir, int nodeId, int defaultNumPartitions,
                                                   short defaultReplicationFactor,
                                                   Consumer<Map<String, String>> topicConfigValidator) {
        return new MetadataServiceConfig(metadataDir, nodeId, null, new InetSocketAddress("127.0.0.1", 0), List.of(),
                defaultNumPartitions, defaultReplicationFactor, topicConfigValidator, DEFAULT_SNAPSHOT_THRESHOLD,
                DEFAULT_START_TIMEOUT);
    }

    public MetadataServiceConfig withClusterId(String id) {
        return new MetadataServiceConfig(metadataDir, nodeId, id, raftAddress, voters, defaultNumPartitions,
                defaultReplicationFactor, topicConfigValidator, snapshotThreshold, startTimeout, sessionTimeout,
                uncleanLeaderElection);
    }

    public MetadataServiceConfig withRaftAddress(InetSocketAddress address) {
        return new MetadataServiceConfig(metadataDir, nodeId, clusterId, address, voters, defaultNumPartitions,
                defaultReplicationFactor, topicConfigValidator, snapshotThreshold, startTimeout, sessionTimeout,
                uncleanLeaderElection);
    }

    public MetadataServiceConfig withVoters(List<QuorumVoter> quorumVoters) {
        return new MetadataServiceConfig(metadataDir, nodeId, clusterId, raftAddress, quorumVoters,
                defaultNumPartitions, defaultReplicationFactor, topicConfigValidator, snapshotThreshold, startTimeout,
                sessionTimeout, uncleanLeaderElection);
    }

    public MetadataServiceConfig withSnapshotThreshold(long entries) {
        return new MetadataServiceConfig(metadataDir, nodeId, clusterId, raftAddress, voters, defaultNumPartitions,
                defaultReplicationFactor, topicConfigValidator, entries, startTimeout, sessionTimeout,
                uncleanLeaderElection);
    }

    public MetadataServiceConfig withStartTimeout(Duration timeout) {
        return new MetadataServiceConfig(metadataDir, nodeId, clusterId, raftAddress, voters, defaultNumPartitions,
                defaultReplicationFactor, topicConfigValidator, snapshotThreshold, timeout, sessionTimeout,
                uncleanLeaderElection);
    }

    public MetadataServiceConfig withSessionTimeout(Duration timeout) {
        return new MetadataServiceConfig(metadataDir, nodeId, clusterId, raftAddress, voters, defaultNumPartitions,
                defaultReplicationFactor, topicConfigValidator, snapshotThreshold, startTimeout, timeout,
                uncleanLeaderElection);
    }

    public MetadataServiceConfig withUncleanLeaderElection(boolean enabled) {
        return new MetadataServiceConfig(metadataDir, nodeId, clusterId, raftAddress, voters, defaultNumPartitions,
                defaultReplicationFactor, topicConfigValidator, snapshotThreshold, startTimeout, sessionTimeout,
                enabled);
    }

    /** Whether this node is one of the voters (a controller); otherwise it follows the log as a listener. */
    public boolean isVoter() {
        return voters.isEmpty() || voters.stream().anyMatch(v -> v.nodeId() == nodeId);
    }

    boolean singleVoter() {
        return voters.isEmpty() || (voters.size() == 1 && voters.get(0).nodeId() == nodeId);
    }
}
