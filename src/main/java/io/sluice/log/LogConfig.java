package io.sluice.log;

import java.util.Map;
import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * Effective topic-level log settings (Kafka's topic config names: segment.bytes, segment.ms,
 * retention.ms, retention.bytes, max.message.bytes, index.interval.bytes, message.timestamp.type,
 * flush.messages, flush.ms, cleanup.policy, file.delete.delay.ms, segment.index.bytes, ...).
 * CONTRACT STUB: implemented in the log package work.
 */
public final class LogConfig {
    /** Broker defaults layered under topic overrides; throws with a message naming the key on a bad value or unknown key. */
    public static LogConfig of(Map<String, String> topicOverrides, Map<String, String> brokerDefaults) {
        throw new UnsupportedOperationException();
    }

    /** Validates topic overrides only (CreateTopics, AlterConfigs). */
    public static void validate(Map<String, String> topicOverrides) throws InvalidConfigurationException {
        throw new UnsupportedOperationException();
    }

    /** Every topic config key with its effective value, for DescribeConfigs. */
    public Map<String, String> values() { throw new UnsupportedOperationException(); }

    public int maxMessageBytes() { throw new UnsupportedOperationException(); }
}
