package io.sluice.config;

import static io.sluice.config.Validator.ANY;
import static io.sluice.config.Validator.intAtLeast;
import static io.sluice.config.Validator.longAtLeast;
import static io.sluice.config.Validator.nonEmptyList;
import static io.sluice.config.Validator.nonEmptyString;
import static io.sluice.config.Validator.nonEmptySubsetOf;
import static io.sluice.config.Validator.oneOf;
import static io.sluice.config.Validator.parses;
import static io.sluice.config.Validator.shortAtLeast;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every broker key Sluice understands, with Kafka's names, types and (single-node) defaults. */
public final class BrokerConfigKeys {
    public static final String NODE_ID = "node.id";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String CONTROLLER_QUORUM_VOTERS = "controller.quorum.voters";
    public static final String CONTROLLER_QUORUM_BOOTSTRAP_SERVERS = "controller.quorum.bootstrap.servers";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String LOG_FLUSH_INTERVAL_MESSAGES = "log.flush.interval.messages";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    /** Sluice's own: how long a log the metadata does not know is kept, renamed "-stray", before deletion. */
    public static final String LOG_STRAY_DELETE_DELAY_MS = "log.stray.delete.delay.ms";
    public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String OFFSETS_TOPIC_NUM_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String GROUP_COORDINATOR_REBALANCE_PROTOCOLS = "group.coordinator.rebalance.protocols";
    public static final String GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS = "group.consumer.min.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS = "group.consumer.max.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS = "group.consumer.min.session.timeout.ms";
    public static final String GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS = "group.consumer.max.session.timeout.ms";
    public static final String GROUP_CONSUMER_MAX_SIZE = "group.consumer.max.size";
    public static final String GROUP_CONSUMER_ASSIGNORS = "group.consumer.assignors";
    public static final String GROUP_CONSUMER_MIGRATION_POLICY = "group.consumer.migration.policy";
    public static final String GROUP_SHARE_HEARTBEAT_INTERVAL_MS = "group.share.heartbeat.interval.ms";
    public static final String GROUP_SHARE_SESSION_TIMEOUT_MS = "group.share.session.timeout.ms";
    public static final String GROUP_SHARE_MAX_SIZE = "group.share.max.size";
    public static final String GROUP_SHARE_RECORD_LOCK_DURATION_MS = "group.share.record.lock.duration.ms";
    public static final String GROUP_SHARE_DELIVERY_COUNT_LIMIT = "group.share.delivery.count.limit";
    public static final String GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS = "group.share.partition.max.record.locks";
    public static final String BROKER_RACK = "broker.rack";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    // Present in Kafka's sample server.properties; accepted so such a file loads without warnings.
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String NUM_RECOVERY_THREADS_PER_DATA_DIR = "num.recovery.threads.per.data.dir";
    public static final String TRANSACTION_STATE_LOG_REPLICATION_FACTOR = "transaction.state.log.replication.factor";
    public static final String TRANSACTION_STATE_LOG_MIN_ISR = "transaction.state.log.min.isr";
    public static final String TRANSACTION_STATE_LOG_NUM_PARTITIONS = "transaction.state.log.num.partitions";
    public static final String TRANSACTION_STATE_LOG_SEGMENT_BYTES = "transaction.state.log.segment.bytes";
    public static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    public static final String TRANSACTION_ABORT_TIMED_OUT_CLEANUP_INTERVAL_MS =
            "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    public static final String TRANSACTION_REMOVE_EXPIRED_CLEANUP_INTERVAL_MS =
            "transaction.remove.expired.transaction.cleanup.interval.ms";
    public static final String TRANSACTION_PARTITION_VERIFICATION_ENABLE = "transaction.partition.verification.enable";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    /** Sluice's own key for Kafka's transaction.version feature level (Kafka sets it with kafka-features.sh). */
    public static final String TRANSACTION_VERSION = "transaction.version";
    public static final String PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = "producer.id.expiration.check.interval.ms";

    /** Keys in declaration order. */
    static final Map<String, ConfigKey> KEYS;

    static {
        Map<String, ConfigKey> keys = new LinkedHashMap<>();
        define(keys, NODE_ID, ConfigType.INT, "1", intAtLeast(0));
        define(keys, PROCESS_ROLES, ConfigType.LIST, "broker,controller", nonEmptySubsetOf("broker", "controller"));
        define(keys, LISTENERS, ConfigType.STRING, "PLAINTEXT://localhost:9092", parses(Listeners::parse, Listeners.FORM));
        define(keys, ADVERTISED_LISTENERS, ConfigType.STRING, null, parses(Listeners::parse, Listeners.FORM));
        define(keys, CONTROLLER_QUORUM_VOTERS, ConfigType.STRING, null, parses(QuorumVoter::parseList, QuorumVoter.FORM));
        define(keys, CONTROLLER_QUORUM_BOOTSTRAP_SERVERS, ConfigType.STRING, null,
                parses(BootstrapServer::parseList, BootstrapServer.FORM));
        define(keys, CONTROLLER_LISTENER_NAMES, ConfigType.LIST, "CONTROLLER", nonEmptyList("listener names"));
        define(keys, LOG_DIRS, ConfigType.LIST, null, nonEmptyList("directories"));
        define(keys, LOG_DIR, ConfigType.STRING, "./data", nonEmptyString());
        define(keys, NUM_PARTITIONS, ConfigType.INT, "1", intAtLeast(1));
        define(keys, DEFAULT_REPLICATION_FACTOR, ConfigType.SHORT, "1", shortAtLeast(1));
        define(keys, AUTO_CREATE_TOPICS_ENABLE, ConfigType.BOOLEAN, "true", ANY);
        // 14 bytes is the smallest legacy record, Kafka's lower bound for a segment.
        define(keys, LOG_SEGMENT_BYTES, ConfigType.INT, "1073741824", intAtLeast(14));
        define(keys, LOG_ROLL_MS, ConfigType.LONG, null, longAtLeast(1));
        define(keys, LOG_ROLL_HOURS, ConfigType.INT, "168", intAtLeast(1));
        define(keys, LOG_RETENTION_MS, ConfigType.LONG, null, longAtLeast(-1));
        define(keys, LOG_RETENTION_MINUTES, ConfigType.INT, null, intAtLeast(-1));
        define(keys, LOG_RETENTION_HOURS, ConfigType.INT, "168", intAtLeast(-1));
        define(keys, LOG_RETENTION_BYTES, ConfigType.LONG, "-1", longAtLeast(-1));
        define(keys, LOG_RETENTION_CHECK_INTERVAL_MS, ConfigType.LONG, "300000", longAtLeast(1));
        define(keys, LOG_STRAY_DELETE_DELAY_MS, ConfigType.LONG, "86400000", longAtLeast(0));
        define(keys, MESSAGE_MAX_BYTES, ConfigType.INT, "1048588", intAtLeast(0));
        define(keys, SOCKET_REQUEST_MAX_BYTES, ConfigType.INT, "104857600", intAtLeast(1));
        define(keys, LOG_FLUSH_INTERVAL_MESSAGES, ConfigType.LONG, Long.toString(Long.MAX_VALUE), longAtLeast(1));
        define(keys, LOG_FLUSH_INTERVAL_MS, ConfigType.LONG, null, longAtLeast(0));
        define(keys, LOG_FLUSH_SCHEDULER_INTERVAL_MS, ConfigType.LONG, Long.toString(Long.MAX_VALUE), longAtLeast(0));
        define(keys, LOG_INDEX_INTERVAL_BYTES, ConfigType.INT, "4096", intAtLeast(0));
        define(keys, LOG_MESSAGE_TIMESTAMP_TYPE, ConfigType.ENUM, "CreateTime", oneOf("CreateTime", "LogAppendTime"));
        define(keys, LOG_CLEANUP_POLICY, ConfigType.LIST, "delete", nonEmptySubsetOf("delete", "compact"));
        define(keys, LOG_CLEANER_ENABLE, ConfigType.BOOLEAN, "true", ANY);
        define(keys, LOG_CLEANER_BACKOFF_MS, ConfigType.LONG, "15000", longAtLeast(0));
        define(keys, LOG_CLEANER_MIN_CLEANABLE_RATIO, ConfigType.STRING, "0.5",
                parses(BrokerConfigKeys::parseRatio, "a number in [0, 1]"));
        define(keys, LOG_CLEANER_DELETE_RETENTION_MS, ConfigType.LONG, "86400000", longAtLeast(0));
        define(keys, LOG_CLEANER_MIN_COMPACTION_LAG_MS, ConfigType.LONG, "0", longAtLeast(0));
        define(keys, LOG_CLEANER_MAX_COMPACTION_LAG_MS, ConfigType.LONG, Long.toString(Long.MAX_VALUE), longAtLeast(1));
        define(keys, NUM_IO_THREADS, ConfigType.INT, "8", intAtLeast(1));
        define(keys, NUM_NETWORK_THREADS, ConfigType.INT, "3", intAtLeast(1));
        define(keys, OFFSETS_TOPIC_NUM_PARTITIONS, ConfigType.INT, "50", intAtLeast(1));
        define(keys, OFFSETS_TOPIC_REPLICATION_FACTOR, ConfigType.SHORT, "3", shortAtLeast(1));
        define(keys, OFFSETS_RETENTION_MINUTES, ConfigType.INT, "10080", intAtLeast(1));
        define(keys, OFFSETS_RETENTION_CHECK_INTERVAL_MS, ConfigType.LONG, "600000", longAtLeast(1));
        define(keys, GROUP_INITIAL_REBALANCE_DELAY_MS, ConfigType.INT, "3000", intAtLeast(0));
        define(keys, GROUP_MIN_SESSION_TIMEOUT_MS, ConfigType.INT, "6000", intAtLeast(0));
        define(keys, GROUP_MAX_SESSION_TIMEOUT_MS, ConfigType.INT, "1800000", intAtLeast(0));
        define(keys, GROUP_MAX_SIZE, ConfigType.INT, Integer.toString(Integer.MAX_VALUE), intAtLeast(1));
        define(keys, GROUP_COORDINATOR_REBALANCE_PROTOCOLS, ConfigType.LIST, "classic,consumer",
                nonEmptySubsetOf("classic", "consumer", "share", "streams"));
        define(keys, GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, ConfigType.INT, "5000", intAtLeast(1));
        define(keys, GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS, ConfigType.INT, "5000", intAtLeast(1));
        define(keys, GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS, ConfigType.INT, "15000", intAtLeast(1));
        define(keys, GROUP_CONSUMER_SESSION_TIMEOUT_MS, ConfigType.INT, "45000", intAtLeast(1));
        define(keys, GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS, ConfigType.INT, "45000", intAtLeast(1));
        define(keys, GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS, ConfigType.INT, "60000", intAtLeast(1));
        define(keys, GROUP_CONSUMER_MAX_SIZE, ConfigType.INT, Integer.toString(Integer.MAX_VALUE), intAtLeast(1));
        define(keys, GROUP_CONSUMER_ASSIGNORS, ConfigType.LIST, "uniform,range",
                nonEmptySubsetOf("uniform", "range", "org.apache.kafka.coordinator.group.assignor.UniformAssignor",
                        "org.apache.kafka.coordinator.group.assignor.RangeAssignor"));
        define(keys, GROUP_CONSUMER_MIGRATION_POLICY, ConfigType.STRING, "bidirectional",
                oneOf("bidirectional", "upgrade", "downgrade", "disabled"));
        define(keys, GROUP_SHARE_HEARTBEAT_INTERVAL_MS, ConfigType.INT, "5000", intAtLeast(1));
        define(keys, GROUP_SHARE_SESSION_TIMEOUT_MS, ConfigType.INT, "45000", intAtLeast(1));
        define(keys, GROUP_SHARE_MAX_SIZE, ConfigType.INT, "200", intAtLeast(1));
        define(keys, GROUP_SHARE_RECORD_LOCK_DURATION_MS, ConfigType.INT, "30000", intAtLeast(1000));
        define(keys, GROUP_SHARE_DELIVERY_COUNT_LIMIT, ConfigType.INT, "5", intAtLeast(2));
        define(keys, GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS, ConfigType.INT, "2000", intAtLeast(100));
        define(keys, BROKER_RACK, ConfigType.STRING, null, ANY);
        define(keys, MIN_INSYNC_REPLICAS, ConfigType.INT, "1", intAtLeast(1));
        define(keys, UNCLEAN_LEADER_ELECTION_ENABLE, ConfigType.BOOLEAN, "false", ANY);
        define(keys, LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, ConfigType.INT, "60000", intAtLeast(0));
        define(keys, REPLICA_LAG_TIME_MAX_MS, ConfigType.LONG, "30000", longAtLeast(1));
        define(keys, BROKER_SESSION_TIMEOUT_MS, ConfigType.INT, "9000", intAtLeast(1));
        define(keys, LISTENER_SECURITY_PROTOCOL_MAP, ConfigType.STRING,
                "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL", ANY);
        define(keys, INTER_BROKER_LISTENER_NAME, ConfigType.STRING, null, ANY);
        define(keys, SOCKET_SEND_BUFFER_BYTES, ConfigType.INT, "102400", intAtLeast(-1));
        define(keys, SOCKET_RECEIVE_BUFFER_BYTES, ConfigType.INT, "102400", intAtLeast(-1));
        define(keys, NUM_RECOVERY_THREADS_PER_DATA_DIR, ConfigType.INT, "1", intAtLeast(1));
        // Kafka's defaults; both are capped at the live brokers when __transaction_state is created.
        define(keys, TRANSACTION_STATE_LOG_REPLICATION_FACTOR, ConfigType.SHORT, "3", shortAtLeast(1));
        define(keys, TRANSACTION_STATE_LOG_MIN_ISR, ConfigType.INT, "2", intAtLeast(1));
        define(keys, TRANSACTION_STATE_LOG_NUM_PARTITIONS, ConfigType.INT, "50", intAtLeast(1));
        define(keys, TRANSACTION_STATE_LOG_SEGMENT_BYTES, ConfigType.INT, "104857600", intAtLeast(1));
        define(keys, TRANSACTION_MAX_TIMEOUT_MS, ConfigType.INT, "900000", intAtLeast(1));
        define(keys, TRANSACTIONAL_ID_EXPIRATION_MS, ConfigType.LONG, "604800000", longAtLeast(1));
        define(keys, TRANSACTION_ABORT_TIMED_OUT_CLEANUP_INTERVAL_MS, ConfigType.LONG, "10000", longAtLeast(1));
        define(keys, TRANSACTION_REMOVE_EXPIRED_CLEANUP_INTERVAL_MS, ConfigType.LONG, "3600000", longAtLeast(1));
        define(keys, TRANSACTION_PARTITION_VERIFICATION_ENABLE, ConfigType.BOOLEAN, "true", ANY);
        define(keys, PRODUCER_ID_EXPIRATION_MS, ConfigType.LONG, "86400000", longAtLeast(1));
        define(keys, TRANSACTION_VERSION, ConfigType.SHORT, "2", shortAtLeast(1));
        define(keys, PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, ConfigType.LONG, "600000", longAtLeast(1));
        KEYS = Collections.unmodifiableMap(keys);
    }

    private BrokerConfigKeys() {
    }

    private static void define(Map<String, ConfigKey> keys, String name, ConfigType type, String defaultValue, Validator validator) {
        keys.put(name, new ConfigKey(name, type, defaultValue, validator));
    }

    /** A ratio in [0, 1]; throws IllegalArgumentException (NumberFormatException included) otherwise. */
    static double parseRatio(String raw) {
        double ratio = Double.parseDouble(raw.trim());
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("not in [0, 1]: " + raw);
        }
        return ratio;
    }

    /** Whether the broker knows this key. */
    public static boolean isKnown(String name) {
        return KEYS.containsKey(name);
    }
}
