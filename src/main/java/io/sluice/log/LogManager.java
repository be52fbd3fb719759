package io.sluice.log;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Owns every partition log under log.dirs: loads them at start-up (recovering after an unclean stop),
 * runs retention and flush in the background, writes recovery checkpoints and the clean-shutdown marker.
 * CONTRACT STUB: implemented in the log package work.
 */
public final class LogManager {
    public LogManager(List<Path> logDirs, Map<String, String> brokerLogDefaults,
                      long retentionCheckIntervalMs, org.apache.kafka.common.utils.Time time) {
        throw new UnsupportedOperationException();
    }
    public void startup() { throw new UnsupportedOperationException(); }
    public Log getOrCreate(TopicPartition tp, LogConfig config) { throw new UnsupportedOperationException(); }
    public Log get(TopicPartition tp) { throw new UnsupportedOperationException(); }
    public java.util.Set<TopicPartition> partitions() { throw new UnsupportedOperationException(); }
    public void delete(TopicPartition tp) { throw new UnsupportedOperationException(); }
    public void shutdown() { throw new UnsupportedOperationException(); }
}
