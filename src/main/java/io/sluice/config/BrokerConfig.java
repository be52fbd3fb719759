package io.sluice.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Broker settings from a Kafka-style properties file plus --override key=value, with Kafka's key
 * names. Unknown keys are warned about; an invalid value throws ConfigException naming the key and
 * the expected form. CONTRACT STUB: implemented in the config work.
 */
public final class BrokerConfig {
    public static BrokerConfig load(Path propertiesFile, Map<String, String> overrides) { throw new UnsupportedOperationException(); }
    public static BrokerConfig of(Map<String, String> props) { throw new UnsupportedOperationException(); }

    public int nodeId() { throw new UnsupportedOperationException(); }
    /** listeners, e.g. PLAINTEXT://localhost:9092 (port 0 = ephemeral). */
    public List<Endpoint> listeners() { throw new UnsupportedOperationException(); }
    /** advertised.listeners, defaulting to listeners. */
    public List<Endpoint> advertisedListeners() { throw new UnsupportedOperationException(); }
    public List<Path> logDirs() { throw new UnsupportedOperationException(); }
    public int numPartitions() { throw new UnsupportedOperationException(); }
    public short defaultReplicationFactor() { throw new UnsupportedOperationException(); }
    public boolean autoCreateTopicsEnable() { throw new UnsupportedOperationException(); }
    public int messageMaxBytes() { throw new UnsupportedOperationException(); }
    public int socketRequestMaxBytes() { throw new UnsupportedOperationException(); }
    public long logRetentionCheckIntervalMs() { throw new UnsupportedOperationException(); }
    public int numIoThreads() { throw new UnsupportedOperationException(); }
    /** Topic-level defaults derived from the broker's log.* keys, keyed by topic config name (segment.bytes, retention.ms, ...). */
    public Map<String, String> topicDefaults() { throw new UnsupportedOperationException(); }
    /** Every broker key with its effective value, for DescribeConfigs on the broker resource. */
    public Map<String, String> values() { throw new UnsupportedOperationException(); }
}
