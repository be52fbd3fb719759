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
 */
public record MetadataServiceConfig(Path metadataDir, int nodeId, String clusterId, InetSocketAddress raftAddress,
                                    List<QuorumVoter> voters, int defaultNumPartitions,
                                    short defaultReplicationFactor,
                                    Consumer<Map<String, String>> topicConfigValidator,
                                    long snapshotThreshold, Duration startTimeout) {
    public static final long DEFAULT_SNAPSHOT_THRESHOLD = 10_000L;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    public MetadataServiceConfig {
        Objects.requireNonNull(metadataDir, "metadataDir");
        Objects.requireNonNull(raftAddress, "raftAddress");
        Objects.requireNonNull(topicConfigValidator, "topicConfigValidator");
        Objects.requireNonNull(startTimeout, "startTimeout");
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
                defaultReplicationFactor, topicConfigValidator, snapshotThreshold, startTimeout);
    }

    public MetadataServiceConfig withRaftAddress(InetSocketAddress address) {
        return new MetadataServiceConfig(metadataDir, nodeId, clusterId, address, voters, defaultNumPartitions,
                defaultReplicationFactor, topicConfigValidator, snapshotThreshold, startTimeout);
    }

    public MetadataServiceConfig withVoters(List<QuorumVoter> quorumVoters) {
        return new MetadataServiceConfig(metadataDir, nodeId, clusterId, raftAddress, quorumVoters,
                defaultNumPartitions, defaultReplicationFactor, topicConfigValidator, snapshotThreshold, startTimeout);
    }

    public MetadataServiceConfig withSnapshotThreshold(long entries) {
        return new MetadataServiceConfig(metadataDir, nodeId, clusterId, raftAddress, voters, defaultNumPartitions,
                defaultReplicationFactor, topicConfigValidator, entries, startTimeout);
    }

    public MetadataServiceConfig withStartTimeout(Duration timeout) {
        return new MetadataServiceConfig(metadataDir, nodeId, clusterId, raftAddress, voters, defaultNumPartitions,
                defaultReplicationFactor, topicConfigValidator, snapshotThreshold, timeout);
    }

    boolean singleVoter() {
        return voters.isEmpty() || (voters.size() == 1 && voters.get(0).nodeId() == nodeId);
    }
}
