package io.sluice.quorum;

import io.sluice.config.QuorumVoter;
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
        return toBuilder().clusterId(id).build();
    }

    public MetadataServiceConfig withRaftAddress(InetSocketAddress address) {
        return toBuilder().raftAddress(address).build();
    }

    public MetadataServiceConfig withVoters(List<QuorumVoter> quorumVoters) {
        return toBuilder().voters(quorumVoters).build();
    }

    public MetadataServiceConfig withSnapshotThreshold(long entries) {
        return toBuilder().snapshotThreshold(entries).build();
    }

    public MetadataServiceConfig withStartTimeout(Duration timeout) {
        return toBuilder().startTimeout(timeout).build();
    }

    public MetadataServiceConfig withSessionTimeout(Duration timeout) {
        return toBuilder().sessionTimeout(timeout).build();
    }

    public MetadataServiceConfig withUncleanLeaderElection(boolean enabled) {
        return toBuilder().uncleanLeaderElection(enabled).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy of a config with some fields changed; {@link #build} validates as the canonical constructor does. */
    public static final class Builder {
        private final Path metadataDir;
        private final int nodeId;
        private String clusterId;
        private InetSocketAddress raftAddress;
        private List<QuorumVoter> voters;
        private final int defaultNumPartitions;
        private final short defaultReplicationFactor;
        private final Consumer<Map<String, String>> topicConfigValidator;
        private long snapshotThreshold;
        private Duration startTimeout;
        private Duration sessionTimeout;
        private boolean uncleanLeaderElection;

        private Builder(MetadataServiceConfig from) {
            metadataDir = from.metadataDir;
            nodeId = from.nodeId;
            clusterId = from.clusterId;
            raftAddress = from.raftAddress;
            voters = from.voters;
            defaultNumPartitions = from.defaultNumPartitions;
            defaultReplicationFactor = from.defaultReplicationFactor;
            topicConfigValidator = from.topicConfigValidator;
            snapshotThreshold = from.snapshotThreshold;
            startTimeout = from.startTimeout;
            sessionTimeout = from.sessionTimeout;
            uncleanLeaderElection = from.uncleanLeaderElection;
        }

        public Builder clusterId(String id) {
            clusterId = id;
            return this;
        }

        public Builder raftAddress(InetSocketAddress address) {
            raftAddress = address;
            return this;
        }

        public Builder voters(List<QuorumVoter> quorumVoters) {
            voters = quorumVoters;
            return this;
        }

        public Builder snapshotThreshold(long entries) {
            snapshotThreshold = entries;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            startTimeout = timeout;
            return this;
        }

        public Builder sessionTimeout(Duration timeout) {
            sessionTimeout = timeout;
            return this;
        }

        public Builder uncleanLeaderElection(boolean enabled) {
            uncleanLeaderElection = enabled;
            return this;
        }

        public MetadataServiceConfig build() {
            return new MetadataServiceConfig(metadataDir, nodeId, clusterId, raftAddress, voters, defaultNumPartitions,
                    defaultReplicationFactor, topicConfigValidator, snapshotThreshold, startTimeout, sessionTimeout,
                    uncleanLeaderElection);
        }
    }

    /** Whether this node is one of the voters (a controller); otherwise it follows the log as a listener. */
    public boolean isVoter() {
        return voters.isEmpty() || voters.stream().anyMatch(v -> v.nodeId() == nodeId);
    }

    boolean singleVoter() {
        return voters.isEmpty() || (voters.size() == 1 && voters.get(0).nodeId() == nodeId);
    }
}
