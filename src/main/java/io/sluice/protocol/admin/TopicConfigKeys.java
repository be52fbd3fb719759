package io.sluice.protocol.admin;

import java.util.Map;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * What the admin APIs need to know about topic config keys beyond their values: the value type
 * (DescribeConfigs v3+, and whether APPEND/SUBTRACT apply) and the broker key that supplies the
 * default (DescribeConfigs synonyms).
 */
final class TopicConfigKeys {

    private record Key(ConfigType type, String brokerSynonym) {
    }

    private static final Map<String, Key> KEYS = Map.ofEntries(
            Map.entry("cleanup.policy", new Key(ConfigType.LIST, "log.cleanup.policy")),
            Map.entry("compression.type", new Key(ConfigType.STRING, "compression.type")),
            Map.entry("delete.retention.ms", new Key(ConfigType.LONG, "log.cleaner.delete.retention.ms")),
            Map.entry("file.delete.delay.ms", new Key(ConfigType.LONG, "log.segment.delete.delay.ms")),
            Map.entry("flush.messages", new Key(ConfigType.LONG, "log.flush.interval.messages")),
            Map.entry("flush.ms", new Key(ConfigType.LONG, "log.flush.interval.ms")),
            Map.entry("index.interval.bytes", new Key(ConfigType.INT, "log.index.interval.bytes")),
            Map.entry("max.compaction.lag.ms", new Key(ConfigType.LONG, "log.cleaner.max.compaction.lag.ms")),
            Map.entry("max.message.bytes", new Key(ConfigType.INT, "message.max.bytes")),
            Map.entry("message.timestamp.after.max.ms", new Key(ConfigType.LONG, "log.message.timestamp.after.max.ms")),
            Map.entry("message.timestamp.before.max.ms", new Key(ConfigType.LONG, "log.message.timestamp.before.max.ms")),
            Map.entry("message.timestamp.type", new Key(ConfigType.STRING, "log.message.timestamp.type")),
            Map.entry("min.cleanable.dirty.ratio", new Key(ConfigType.DOUBLE, "log.cleaner.min.cleanable.ratio")),
            Map.entry("min.compaction.lag.ms", new Key(ConfigType.LONG, "log.cleaner.min.compaction.lag.ms")),
            Map.entry("min.insync.replicas", new Key(ConfigType.INT, "min.insync.replicas")),
            Map.entry("preallocate", new Key(ConfigType.BOOLEAN, "log.preallocate")),
            Map.entry("retention.bytes", new Key(ConfigType.LONG, "log.retention.bytes")),
            Map.entry("retention.ms", new Key(ConfigType.LONG, "log.retention.ms")),
            Map.entry("segment.bytes", new Key(ConfigType.INT, "log.segment.bytes")),
            Map.entry("segment.index.bytes", new Key(ConfigType.INT, "log.index.size.max.bytes")),
            Map.entry("segment.jitter.ms", new Key(ConfigType.LONG, "log.roll.jitter.ms")),
            Map.entry("segment.ms", new Key(ConfigType.LONG, "log.roll.ms")),
            Map.entry("unclean.leader.election.enable", new Key(ConfigType.BOOLEAN, "unclean.leader.election.enable")),
            Map.entry("follower.replication.throttled.replicas", new Key(ConfigType.LIST, null)),
            Map.entry("leader.replication.throttled.replicas", new Key(ConfigType.LIST, null)));

    private TopicConfigKeys() {
    }

    static ConfigType type(String key) {
        Key known = KEYS.get(key);
        return known == null ? ConfigType.UNKNOWN : known.type();
    }

    static boolean isList(String key) {
        return type(key) == ConfigType.LIST;
    }

    /** The broker key whose value is this topic key's default, or null when there is none. */
    static String brokerSynonym(String key) {
        Key known = KEYS.get(key);
        return known == null ? null : known.brokerSynonym();
    }
}
