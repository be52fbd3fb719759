package io.sluice.log;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;

/**
 * Effective topic-level log settings under Kafka's topic config names and Kafka's defaults.
 * Broker defaults (already translated to topic keys) sit under topic overrides.
 */
public final class LogConfig {
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String FLUSH_MESSAGES = "flush.messages";
    public static final String FLUSH_MS = "flush.ms";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";

    private static final ConfigDef DEF = new ConfigDef()
            .define(SEGMENT_BYTES, Type.INT, 1073741824, ConfigDef.Range.atLeast(14), Importance.MEDIUM, "Segment file size")
            .define(SEGMENT_MS, Type.LONG, 604800000L, ConfigDef.Range.atLeast(1), Importance.MEDIUM, "Segment roll age")
            .define(RETENTION_MS, Type.LONG, 604800000L, ConfigDef.Range.atLeast(-1), Importance.MEDIUM, "Retention time, -1 unlimited")
            .define(RETENTION_BYTES, Type.LONG, -1L, Importance.MEDIUM, "Retention size, -1 unlimited")
            .define(MAX_MESSAGE_BYTES, Type.INT, 1048588, ConfigDef.Range.atLeast(0), Importance.MEDIUM, "Largest batch")
            .define(INDEX_INTERVAL_BYTES, Type.INT, 4096, ConfigDef.Range.atLeast(0), Importance.MEDIUM, "Index density")
            .define(SEGMENT_INDEX_BYTES, Type.INT, 10485760, ConfigDef.Range.atLeast(4), Importance.MEDIUM, "Index size")
            .define(MESSAGE_TIMESTAMP_TYPE, Type.STRING, "CreateTime",
                    ConfigDef.ValidString.in("CreateTime", "LogAppendTime"), Importance.MEDIUM, "Timestamp type")
            .define(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Type.LONG, Long.MAX_VALUE, ConfigDef.Range.atLeast(0), Importance.MEDIUM, "Past tolerance")
            .define(MESSAGE_TIMESTAMP_AFTER_MAX_MS, Type.LONG, 3600000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM, "Future tolerance")
            .define(FLUSH_MESSAGES, Type.LONG, Long.MAX_VALUE, ConfigDef.Range.atLeast(1), Importance.MEDIUM, "Flush every N messages")
            .define(FLUSH_MS, Type.LONG, Long.MAX_VALUE, ConfigDef.Range.atLeast(0), Importance.MEDIUM, "Flush age")
            .define(CLEANUP_POLICY, Type.LIST, "delete", ConfigDef.ValidList.in("delete", "compact"), Importance.MEDIUM, "Cleanup policy")
            .define(FILE_DELETE_DELAY_MS, Type.LONG, 60000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM, "Deletion delay")
            .define(MIN_INSYNC_REPLICAS, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.MEDIUM, "Min ISR")
            .define(UNCLEAN_LEADER_ELECTION_ENABLE, Type.BOOLEAN, false, Importance.MEDIUM, "Unclean election")
            .define(COMPRESSION_TYPE, Type.STRING, "producer",
                    ConfigDef.ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                    Importance.MEDIUM, "Compression")
            .define(MIN_CLEANABLE_DIRTY_RATIO, Type.DOUBLE, 0.5, ConfigDef.Range.between(0, 1), Importance.MEDIUM,
                    "Dirty share of the log that makes it eligible for compaction")
            .define(MIN_COMPACTION_LAG_MS, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Minimum age before a record may be compacted")
            .define(MAX_COMPACTION_LAG_MS, Type.LONG, Long.MAX_VALUE, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "Maximum age a record may stay uncompacted")
            .define(DELETE_RETENTION_MS, Type.LONG, 86400000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "How long tombstones survive compaction");

    private final Map<String, Object> parsed;
    private final Map<String, String> values;
    private final TimestampType timestampType;

    private LogConfig(Map<String, Object> parsed) {
        this.parsed = parsed;
        Map<String, String> text = new LinkedHashMap<>();
        for (String name : DEF.names()) {
            text.put(name, render(parsed.get(name)));
        }
        this.values = Collections.unmodifiableMap(text);
        this.timestampType = "LogAppendTime".equals(parsed.get(MESSAGE_TIMESTAMP_TYPE))
                ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
    }

    /** Broker defaults layered under topic overrides; throws with a message naming the key on a bad value or unknown key. */
    public static LogConfig of(Map<String, String> topicOverrides, Map<String, String> brokerDefaults) {
        rejectUnknown(topicOverrides);
        rejectUnknown(brokerDefaults);
        Map<String, String> merged = new HashMap<>(brokerDefaults);
        merged.putAll(topicOverrides);
        return new LogConfig(parse(merged));
    }

    /** Kafka's defaults alone. */
    public static LogConfig defaults() {
        return of(Map.of(), Map.of());
    }

    /** Validates topic overrides only (CreateTopics, AlterConfigs). */
    public static void validate(Map<String, String> topicOverrides) throws InvalidConfigurationException {
        rejectUnknown(topicOverrides);
        parse(topicOverrides);
    }

    /** True when the name is a topic config this broker knows. */
    public static boolean isKnown(String name) {
        return DEF.names().contains(name);
    }

    private static void rejectUnknown(Map<String, String> configs) {
        for (String key : configs.keySet()) {
            if (!DEF.names().contains(key)) {
                throw new InvalidConfigurationException("Unknown topic config name: " + key);
            }
        }
    }

    private static Map<String, Object> parse(Map<String, String> configs) {
        try {
            return DEF.parse(configs);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    private static String render(Object value) {
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    /** Every topic config key with its effective value, for DescribeConfigs. */
    public Map<String, String> values() { return values; }

    public int maxMessageBytes() { return (Integer) parsed.get(MAX_MESSAGE_BYTES); }
    public int segmentBytes() { return (Integer) parsed.get(SEGMENT_BYTES); }
    public long segmentMs() { return (Long) parsed.get(SEGMENT_MS); }
    public long retentionMs() { return (Long) parsed.get(RETENTION_MS); }
    public long retentionBytes() { return (Long) parsed.get(RETENTION_BYTES); }
    public int indexIntervalBytes() { return (Integer) parsed.get(INDEX_INTERVAL_BYTES); }
    public int segmentIndexBytes() { return (Integer) parsed.get(SEGMENT_INDEX_BYTES); }
    public TimestampType timestampType() { return timestampType; }
    public long timestampBeforeMaxMs() { return (Long) parsed.get(MESSAGE_TIMESTAMP_BEFORE_MAX_MS); }
    public long timestampAfterMaxMs() { return (Long) parsed.get(MESSAGE_TIMESTAMP_AFTER_MAX_MS); }
    public long flushMessages() { return (Long) parsed.get(FLUSH_MESSAGES); }
    public long flushMs() { return (Long) parsed.get(FLUSH_MS); }
    public long fileDeleteDelayMs() { return (Long) parsed.get(FILE_DELETE_DELAY_MS); }
    public int minInSyncReplicas() { return (Integer) parsed.get(MIN_INSYNC_REPLICAS); }
    public boolean uncleanLeaderElectionEnable() { return (Boolean) parsed.get(UNCLEAN_LEADER_ELECTION_ENABLE); }
    public String compressionType() { return (String) parsed.get(COMPRESSION_TYPE); }

    public double minCleanableDirtyRatio() { return (Double) parsed.get(MIN_CLEANABLE_DIRTY_RATIO); }
    public long minCompactionLagMs() { return (Long) parsed.get(MIN_COMPACTION_LAG_MS); }
    public long maxCompactionLagMs() { return (Long) parsed.get(MAX_COMPACTION_LAG_MS); }
    public long deleteRetentionMs() { return (Long) parsed.get(DELETE_RETENTION_MS); }

    @SuppressWarnings("unchecked")
    public List<String> cleanupPolicy() { return (List<String>) parsed.get(CLEANUP_POLICY); }

    public boolean deleteEnabled() {
        return cleanupPolicy().stream().anyMatch(p -> p.toLowerCase(Locale.ROOT).equals("delete"));
    }

    public boolean compactEnabled() {
        return cleanupPolicy().stream().anyMatch(p -> p.toLowerCase(Locale.ROOT).equals("compact"));
    }

    @Override
    public String toString() {
        return "LogConfig" + values;
    }
}
