package io.sluice.config;

import static io.sluice.config.BrokerConfigKeys.*;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker settings from a Kafka-style properties file plus --override key=value, with Kafka's key
 * names and defaults suited to a zero-config single node. Unknown keys are warned about (and listed
 * by {@link #unknownKeys()}); an invalid value throws ConfigException naming the key, the value and
 * the expected form. Every value is parsed and validated when the config is built, so accessors
 * never fail.
 */
public final class BrokerConfig {
    private static final Logger log = LoggerFactory.getLogger(BrokerConfig.class);
    private static final long MS_PER_MINUTE = 60_000L;
    private static final long MS_PER_HOUR = 3_600_000L;

    /** Typed value per known key; null where the key is unset and has no default. */
    private final Map<String, Object> typed;
    private final List<String> unknownKeys;
    private final List<Endpoint> listeners;
    private final List<Endpoint> advertisedListeners;
    private final List<QuorumVoter> quorumVoters;
    private final List<BootstrapServer> quorumBootstrapServers;
    private final List<Path> logDirs;

    private BrokerConfig(Map<String, String> props) {
        Map<String, Object> values = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String name : new TreeMap<>(props).keySet()) {
            if (!BrokerConfigKeys.isKnown(name)) {
                unknown.add(name);
            }
        }
        for (ConfigKey key : KEYS.values()) {
            String raw = props.get(key.name());
            if (raw == null) {
                raw = key.defaultValue();
            }
            values.put(key.name(), raw == null ? null : key.parse(raw));
        }
        this.typed = values;
        this.unknownKeys = List.copyOf(unknown);
        for (String name : unknownKeys) {
            log.warn("Ignoring unknown configuration '{}'", name);
        }
        this.listeners = bindable(Listeners.parse(string(LISTENERS)));
        this.advertisedListeners = advertised(typed.get(ADVERTISED_LISTENERS) == null
                ? listeners : Listeners.parse(string(ADVERTISED_LISTENERS)), listeners);
        this.quorumBootstrapServers = typed.get(CONTROLLER_QUORUM_BOOTSTRAP_SERVERS) == null
                ? List.of() : BootstrapServer.parseList(string(CONTROLLER_QUORUM_BOOTSTRAP_SERVERS));
        this.quorumVoters = quorumVoters(typed.get(CONTROLLER_QUORUM_VOTERS) != null, !quorumBootstrapServers.isEmpty());
        this.logDirs = resolveLogDirs();
        checkWithin(GROUP_CONSUMER_SESSION_TIMEOUT_MS, GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS,
                GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS);
        checkWithin(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS,
                GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS);
        if (intValue(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS) >= intValue(GROUP_CONSUMER_SESSION_TIMEOUT_MS)) {
            throw new ConfigException("'" + GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS + "' ("
                    + intValue(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS) + ") must be less than '"
                    + GROUP_CONSUMER_SESSION_TIMEOUT_MS + "' (" + intValue(GROUP_CONSUMER_SESSION_TIMEOUT_MS)
                    + "): members would time out between heartbeats");
        }
    }

    /** Kafka's rule for the group.consumer.* timeouts: the value lies within its min and max settings. */
    private void checkWithin(String key, String minKey, String maxKey) {
        int value = intValue(key);
        int min = intValue(minKey);
        int max = intValue(maxKey);
        if (min > max) {
            throw new ConfigException("'" + minKey + "' (" + min + ") must not be greater than '" + maxKey + "' ("
                    + max + ")");
        }
        if (value < min || value > max) {
            throw new ConfigException("'" + key + "' (" + value + ") must be between '" + minKey + "' (" + min
                    + ") and '" + maxKey + "' (" + max + "); set them together");
        }
    }

    /**
     * Reads the properties file (UTF-8; null for none) and lays the overrides over it.
     *
     * @throws ConfigException when the file cannot be read or a value is invalid
     */
    public static BrokerConfig load(Path propertiesFile, Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>();
        if (propertiesFile != null) {
            props.putAll(readProperties(propertiesFile));
        }
        if (overrides != null) {
            overrides.forEach((k, v) -> {
                if (k != null && v != null) {
                    props.put(k.trim(), v);
                }
            });
        }
        return new BrokerConfig(props);
    }

    /** Builds a config from key/value pairs, defaults filling the rest. */
    public static BrokerConfig of(Map<String, String> props) {
        return load(null, props);
    }

    /**
     * Exactly one way to find the quorum: the voters themselves, or (broker-only nodes) endpoints to ask for them.
     * A controller needs the voters list because the Raft group has a fixed set of voters; a broker-only node has
     * no voter of its own to fall back on, so it must be told one or the other.
     */
    private List<QuorumVoter> quorumVoters(boolean votersSet, boolean bootstrapSet) {
        if (votersSet && bootstrapSet) {
            throw new ConfigException("Only one of '" + CONTROLLER_QUORUM_VOTERS + "' and '"
                    + CONTROLLER_QUORUM_BOOTSTRAP_SERVERS + "' may be set: the voters list names the controllers, "
                    + "the bootstrap servers are asked for it");
        }
        boolean controller = processRoles().contains("controller");
        if (bootstrapSet && controller) {
            throw new ConfigException("A node with the controller role needs '" + CONTROLLER_QUORUM_VOTERS
                    + "' (the metadata quorum has a fixed set of voters); '" + CONTROLLER_QUORUM_BOOTSTRAP_SERVERS
                    + "' serves broker-only nodes (" + PROCESS_ROLES + "=broker)");
        }
        if (!votersSet && !bootstrapSet && !controller) {
            throw new ConfigException("A broker-only node (" + PROCESS_ROLES + "=broker) needs '"
                    + CONTROLLER_QUORUM_VOTERS + "' or '" + CONTROLLER_QUORUM_BOOTSTRAP_SERVERS
                    + "' to find the controllers");
        }
        if (bootstrapSet) {
            return List.of();
        }
        return votersSet ? QuorumVoter.parseList(string(CONTROLLER_QUORUM_VOTERS))
                : List.of(new QuorumVoter(nodeId(), "localhost", 9093));
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Configuration file '" + file + "' does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("Cannot read configuration file '" + file + "': " + e.getMessage());
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            props.put(name, properties.getProperty(name));
        }
        return props;
    }

    /** An empty listener host means every interface; spell it so a socket bind understands it. */
    private static List<Endpoint> bindable(List<Endpoint> endpoints) {
        List<Endpoint> result = new ArrayList<>();
        for (Endpoint e : endpoints) {
            result.add(e.host().isEmpty() ? new Endpoint(e.listenerName(), "0.0.0.0", e.port()) : e);
        }
        return List.copyOf(result);
    }

    private static List<Endpoint> advertised(List<Endpoint> endpoints, List<Endpoint> listeners) {
        List<String> listenerNames = listeners.stream().map(Endpoint::listenerName).toList();
        List<Endpoint> result = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (!listenerNames.contains(e.listenerName())) {
                throw new ConfigException("Invalid value '" + Listeners.format(endpoints) + "' for configuration '"
                        + ADVERTISED_LISTENERS + "': expected listener names that appear in " + LISTENERS + " " + listenerNames);
            }
            boolean wildcard = e.host().isEmpty() || e.host().equals("0.0.0.0") || e.host().equals("::");
            // Clients cannot connect to a wildcard address; hand them a name for this machine instead.
            result.add(wildcard ? new Endpoint(e.listenerName(), canonicalHostName(), e.port()) : e);
        }
        return List.copyOf(result);
    }

    private static String canonicalHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private List<Path> resolveLogDirs() {
        @SuppressWarnings("unchecked")
        List<String> dirs = (List<String>) typed.get(LOG_DIRS);
        if (dirs == null) {
            dirs = List.of(string(LOG_DIR).trim());
        }
        List<Path> paths = new ArrayList<>();
        for (String dir : dirs) {
            paths.add(Path.of(dir).toAbsolutePath().normalize());
        }
        return List.copyOf(paths);
    }

    private String string(String key) {
        return (String) typed.get(key);
    }

    private int intValue(String key) {
        return (Integer) typed.get(key);
    }

    private long longValue(String key) {
        return (Long) typed.get(key);
    }

    private short shortValue(String key) {
        return (Short) typed.get(key);
    }

    private boolean boolValue(String key) {
        return (Boolean) typed.get(key);
    }

    @SuppressWarnings("unchecked")
    private List<String> listValue(String key) {
        return (List<String>) typed.get(key);
    }

    public int nodeId() { return intValue(NODE_ID); }

    /** process.roles, e.g. [broker, controller]. */
    public List<String> processRoles() { return listValue(PROCESS_ROLES); }

    /** listeners, e.g. PLAINTEXT://localhost:9092 (port 0 = ephemeral; an empty host becomes 0.0.0.0). */
    public List<Endpoint> listeners() { return listeners; }

    /** advertised.listeners, defaulting to listeners; a wildcard host is replaced by this machine's canonical name. */
    public List<Endpoint> advertisedListeners() { return advertisedListeners; }

    /**
     * controller.quorum.voters, defaulting to {@code <node.id>@localhost:9093}; empty when the node is to ask
     * {@link #controllerQuorumBootstrapServers()} for them instead.
     */
    public List<QuorumVoter> controllerQuorumVoters() { return quorumVoters; }

    /** controller.quorum.bootstrap.servers in the order given, or empty when the voters are configured. */
    public List<BootstrapServer> controllerQuorumBootstrapServers() { return quorumBootstrapServers; }

    public List<String> controllerListenerNames() { return listValue(CONTROLLER_LISTENER_NAMES); }

    /** log.dirs, else log.dir, as absolute paths (relative ones resolve against the working directory). */
    public List<Path> logDirs() { return logDirs; }

    public int numPartitions() { return intValue(NUM_PARTITIONS); }

    public short defaultReplicationFactor() { return shortValue(DEFAULT_REPLICATION_FACTOR); }

    public boolean autoCreateTopicsEnable() { return boolValue(AUTO_CREATE_TOPICS_ENABLE); }

    public int logSegmentBytes() { return intValue(LOG_SEGMENT_BYTES); }

    /** log.roll.ms, else log.roll.hours. */
    public long logRollMs() {
        Long ms = (Long) typed.get(LOG_ROLL_MS);
        return ms != null ? ms : intValue(LOG_ROLL_HOURS) * MS_PER_HOUR;
    }

    /** log.retention.ms, else .minutes, else .hours (Kafka's precedence); any negative means unlimited (-1). */
    public long logRetentionMs() {
        Long ms = (Long) typed.get(LOG_RETENTION_MS);
        Integer minutes = (Integer) typed.get(LOG_RETENTION_MINUTES);
        long millis;
        if (ms != null) {
            millis = ms;
        } else if (minutes != null) {
            millis = minutes * MS_PER_MINUTE;
        } else {
            millis = intValue(LOG_RETENTION_HOURS) * MS_PER_HOUR;
        }
        return millis < 0 ? -1 : millis;
    }

    public long logRetentionBytes() { return longValue(LOG_RETENTION_BYTES); }

    public long logRetentionCheckIntervalMs() { return longValue(LOG_RETENTION_CHECK_INTERVAL_MS); }

    public int messageMaxBytes() { return intValue(MESSAGE_MAX_BYTES); }

    public int socketRequestMaxBytes() { return intValue(SOCKET_REQUEST_MAX_BYTES); }

    public long logFlushIntervalMessages() { return longValue(LOG_FLUSH_INTERVAL_MESSAGES); }

    /** log.flush.interval.ms, else log.flush.scheduler.interval.ms (Long.MAX_VALUE = never flush on time). */
    public long logFlushIntervalMs() {
        Long ms = (Long) typed.get(LOG_FLUSH_INTERVAL_MS);
        return ms != null ? ms : longValue(LOG_FLUSH_SCHEDULER_INTERVAL_MS);
    }

    public int logIndexIntervalBytes() { return intValue(LOG_INDEX_INTERVAL_BYTES); }

    /** CreateTime or LogAppendTime. */
    public String logMessageTimestampType() { return string(LOG_MESSAGE_TIMESTAMP_TYPE); }

    /** [delete], [compact] or both. */
    public List<String> logCleanupPolicy() { return listValue(LOG_CLEANUP_POLICY); }

    public boolean logCleanerEnable() { return boolValue(LOG_CLEANER_ENABLE); }

    public long logCleanerBackoffMs() { return longValue(LOG_CLEANER_BACKOFF_MS); }

    public long logStrayDeleteDelayMs() { return longValue(LOG_STRAY_DELETE_DELAY_MS); }

    /** log.cleaner.min.cleanable.ratio, the broker default of min.cleanable.dirty.ratio. */
    public double logCleanerMinCleanableRatio() { return BrokerConfigKeys.parseRatio(string(LOG_CLEANER_MIN_CLEANABLE_RATIO)); }

    public long logCleanerDeleteRetentionMs() { return longValue(LOG_CLEANER_DELETE_RETENTION_MS); }

    public long logCleanerMinCompactionLagMs() { return longValue(LOG_CLEANER_MIN_COMPACTION_LAG_MS); }

    public long logCleanerMaxCompactionLagMs() { return longValue(LOG_CLEANER_MAX_COMPACTION_LAG_MS); }

    public int numIoThreads() { return intValue(NUM_IO_THREADS); }

    public int numNetworkThreads() { return intValue(NUM_NETWORK_THREADS); }

    public int offsetsTopicNumPartitions() { return intValue(OFFSETS_TOPIC_NUM_PARTITIONS); }

    public short offsetsTopicReplicationFactor() { return shortValue(OFFSETS_TOPIC_REPLICATION_FACTOR); }

    /** How long committed offsets of an empty group are kept after their commit. */
    public long offsetsRetentionMs() { return intValue(OFFSETS_RETENTION_MINUTES) * 60_000L; }

    public long offsetsRetentionCheckIntervalMs() { return longValue(OFFSETS_RETENTION_CHECK_INTERVAL_MS); }

    public short transactionStateLogReplicationFactor() { return shortValue(TRANSACTION_STATE_LOG_REPLICATION_FACTOR); }

    public int transactionStateLogMinIsr() { return intValue(TRANSACTION_STATE_LOG_MIN_ISR); }

    public int transactionStateLogNumPartitions() { return intValue(TRANSACTION_STATE_LOG_NUM_PARTITIONS); }

    public int transactionStateLogSegmentBytes() { return intValue(TRANSACTION_STATE_LOG_SEGMENT_BYTES); }

    public int transactionMaxTimeoutMs() { return intValue(TRANSACTION_MAX_TIMEOUT_MS); }

    public long transactionalIdExpirationMs() { return longValue(TRANSACTIONAL_ID_EXPIRATION_MS); }

    public long transactionAbortTimedOutCleanupIntervalMs() {
        return longValue(TRANSACTION_ABORT_TIMED_OUT_CLEANUP_INTERVAL_MS);
    }

    public long transactionRemoveExpiredCleanupIntervalMs() {
        return longValue(TRANSACTION_REMOVE_EXPIRED_CLEANUP_INTERVAL_MS);
    }

    public boolean transactionPartitionVerificationEnable() {
        return boolValue(TRANSACTION_PARTITION_VERIFICATION_ENABLE);
    }

    public long producerIdExpirationMs() { return longValue(PRODUCER_ID_EXPIRATION_MS); }

    /** The transaction.version feature level advertised to clients: 2 (KIP-890) or 1. */
    public short transactionVersion() { return (short) Math.min(2, shortValue(TRANSACTION_VERSION)); }

    public long producerIdExpirationCheckIntervalMs() { return longValue(PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS); }

    public int groupInitialRebalanceDelayMs() { return intValue(GROUP_INITIAL_REBALANCE_DELAY_MS); }

    public int groupMinSessionTimeoutMs() { return intValue(GROUP_MIN_SESSION_TIMEOUT_MS); }

    public int groupMaxSessionTimeoutMs() { return intValue(GROUP_MAX_SESSION_TIMEOUT_MS); }

    public int groupMaxSize() { return intValue(GROUP_MAX_SIZE); }

    /** Whether KIP-848 consumer groups are served (group.coordinator.rebalance.protocols names "consumer"). */
    public boolean consumerGroupProtocolEnabled() {
        return listValue(GROUP_COORDINATOR_REBALANCE_PROTOCOLS).contains("consumer");
    }

    public int groupConsumerHeartbeatIntervalMs() { return intValue(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS); }

    public int groupConsumerSessionTimeoutMs() { return intValue(GROUP_CONSUMER_SESSION_TIMEOUT_MS); }

    public int groupConsumerMinSessionTimeoutMs() { return intValue(GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS); }

    public int groupConsumerMaxSessionTimeoutMs() { return intValue(GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS); }

    public int groupConsumerMinHeartbeatIntervalMs() { return intValue(GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS); }

    public int groupConsumerMaxHeartbeatIntervalMs() { return intValue(GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS); }

    public int groupConsumerMaxSize() { return intValue(GROUP_CONSUMER_MAX_SIZE); }

    public List<String> groupConsumerAssignors() { return listValue(GROUP_CONSUMER_ASSIGNORS); }

    public String groupConsumerMigrationPolicy() { return string(GROUP_CONSUMER_MIGRATION_POLICY); }

    /** Whether KIP-932 share groups are served (group.coordinator.rebalance.protocols names "share"). */
    public boolean shareGroupProtocolEnabled() {
        return listValue(GROUP_COORDINATOR_REBALANCE_PROTOCOLS).contains("share");
    }

    public int groupShareHeartbeatIntervalMs() { return intValue(GROUP_SHARE_HEARTBEAT_INTERVAL_MS); }

    public int groupShareSessionTimeoutMs() { return intValue(GROUP_SHARE_SESSION_TIMEOUT_MS); }

    public int groupShareMaxSize() { return intValue(GROUP_SHARE_MAX_SIZE); }

    public int groupShareRecordLockDurationMs() { return intValue(GROUP_SHARE_RECORD_LOCK_DURATION_MS); }

    public int groupShareDeliveryCountLimit() { return intValue(GROUP_SHARE_DELIVERY_COUNT_LIMIT); }

    public int groupSharePartitionMaxRecordLocks() { return intValue(GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS); }

    /** broker.rack, or null when unset. */
    public String brokerRack() { return string(BROKER_RACK); }

    public int minInsyncReplicas() { return intValue(MIN_INSYNC_REPLICAS); }

    public boolean uncleanLeaderElectionEnable() { return boolValue(UNCLEAN_LEADER_ELECTION_ENABLE); }

    public int logFlushOffsetCheckpointIntervalMs() { return intValue(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS); }

    public long replicaLagTimeMaxMs() { return longValue(REPLICA_LAG_TIME_MAX_MS); }

    public int brokerSessionTimeoutMs() { return intValue(BROKER_SESSION_TIMEOUT_MS); }

    /** Keys given that the broker does not know, sorted; they were warned about and ignored. */
    public List<String> unknownKeys() { return unknownKeys; }

    /** Topic-level defaults derived from the broker's log.* keys, keyed by topic config name (segment.bytes, retention.ms, ...). */
    public Map<String, String> topicDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("segment.bytes", Integer.toString(logSegmentBytes()));
        defaults.put("segment.ms", Long.toString(logRollMs()));
        defaults.put("retention.ms", Long.toString(logRetentionMs()));
        defaults.put("retention.bytes", Long.toString(logRetentionBytes()));
        defaults.put("max.message.bytes", Integer.toString(messageMaxBytes()));
        defaults.put("index.interval.bytes", Integer.toString(logIndexIntervalBytes()));
        defaults.put("message.timestamp.type", logMessageTimestampType());
        defaults.put("flush.messages", Long.toString(logFlushIntervalMessages()));
        defaults.put("flush.ms", Long.toString(logFlushIntervalMs()));
        defaults.put("cleanup.policy", String.join(",", logCleanupPolicy()));
        defaults.put("min.insync.replicas", Integer.toString(minInsyncReplicas()));
        defaults.put("unclean.leader.election.enable", Boolean.toString(uncleanLeaderElectionEnable()));
        defaults.put("min.cleanable.dirty.ratio", Double.toString(logCleanerMinCleanableRatio()));
        defaults.put("delete.retention.ms", Long.toString(logCleanerDeleteRetentionMs()));
        defaults.put("min.compaction.lag.ms", Long.toString(logCleanerMinCompactionLagMs()));
        defaults.put("max.compaction.lag.ms", Long.toString(logCleanerMaxCompactionLagMs()));
        return Collections.unmodifiableMap(defaults);
    }

    /**
     * Every broker key with its effective value, sorted by key, for DescribeConfigs on the broker
     * resource. Keys whose value derives from others (log.retention.ms, log.roll.ms,
     * log.flush.interval.ms, log.dirs, advertised.listeners, controller.quorum.voters) show the
     * derived value; a key that is unset and has no default (broker.rack, log.retention.minutes,
     * inter.broker.listener.name) maps to null, as Kafka reports it.
     */
    public Map<String, String> values() {
        Map<String, String> result = new TreeMap<>();
        for (ConfigKey key : KEYS.values()) {
            Object value = typed.get(key.name());
            String text;
            if (value == null) {
                text = null;
            } else if (value instanceof List<?> list) {
                text = String.join(",", list.stream().map(Object::toString).toList());
            } else {
                text = value.toString();
            }
            result.put(key.name(), text);
        }
        result.put(LISTENERS, Listeners.format(listeners));
        result.put(ADVERTISED_LISTENERS, Listeners.format(advertisedListeners));
        result.put(CONTROLLER_QUORUM_VOTERS, quorumVoters.isEmpty() ? null
                : String.join(",", quorumVoters.stream().map(QuorumVoter::toString).toList()));
        result.put(LOG_DIRS, String.join(",", logDirs.stream().map(Path::toString).toList()));
        result.put(LOG_ROLL_MS, Long.toString(logRollMs()));
        result.put(LOG_RETENTION_MS, Long.toString(logRetentionMs()));
        result.put(LOG_FLUSH_INTERVAL_MS, Long.toString(logFlushIntervalMs()));
        return Collections.unmodifiableMap(result);
    }

    @Override
    public String toString() {
        return "BrokerConfig" + values();
    }
}
