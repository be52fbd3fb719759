package io.sluice.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class LogConfigTest {
    @Test
    void defaultsAreKafkas() {
        LogConfig config = LogConfig.defaults();
        assertThat(config.segmentBytes()).isEqualTo(1073741824);
        assertThat(config.segmentMs()).isEqualTo(604800000L);
        assertThat(config.retentionMs()).isEqualTo(604800000L);
        assertThat(config.retentionBytes()).isEqualTo(-1L);
        assertThat(config.maxMessageBytes()).isEqualTo(1048588);
        assertThat(config.indexIntervalBytes()).isEqualTo(4096);
        assertThat(config.segmentIndexBytes()).isEqualTo(10485760);
        assertThat(config.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(config.timestampBeforeMaxMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.timestampAfterMaxMs()).isEqualTo(3600000L);
        assertThat(config.flushMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.flushMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.fileDeleteDelayMs()).isEqualTo(60000L);
        assertThat(config.minInSyncReplicas()).isEqualTo(1);
        assertThat(config.uncleanLeaderElectionEnable()).isFalse();
        assertThat(config.compressionType()).isEqualTo("producer");
        assertThat(config.minCleanableDirtyRatio()).isEqualTo(0.5);
        assertThat(config.minCompactionLagMs()).isZero();
        assertThat(config.maxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.deleteRetentionMs()).isEqualTo(86400000L);
        assertThat(config.compactEnabled()).isFalse();
        assertThat(config.values()).containsEntry("cleanup.policy", "delete").containsEntry("retention.ms", "604800000");
    }

    @Test
    void topicOverridesWinOverBrokerDefaults() {
        LogConfig config = LogConfig.of(Map.of("retention.ms", "1000"),
                Map.of("retention.ms", "2000", "segment.bytes", "4096"));
        assertThat(config.retentionMs()).isEqualTo(1000L);
        assertThat(config.segmentBytes()).isEqualTo(4096);
        assertThat(config.values()).containsEntry("segment.bytes", "4096");
    }

    @Test
    void acceptsEveryCleanupPolicyKafkaDoes() {
        assertThat(LogConfig.of(Map.of("cleanup.policy", "compact,delete"), Map.of()).cleanupPolicy())
                .containsExactly("compact", "delete");
        assertThat(LogConfig.of(Map.of("cleanup.policy", "compact"), Map.of()).deleteEnabled()).isFalse();
        assertThat(LogConfig.of(Map.of("cleanup.policy", "compact,delete"), Map.of()).compactEnabled()).isTrue();
        assertThatThrownBy(() -> LogConfig.validate(Map.of("min.cleanable.dirty.ratio", "1.5")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("min.cleanable.dirty.ratio");
        assertThatThrownBy(() -> LogConfig.validate(Map.of("cleanup.policy", "shred")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("cleanup.policy");
    }

    @Test
    void rejectsUnknownKeysAndBadValuesNamingTheKey() {
        assertThatThrownBy(() -> LogConfig.validate(Map.of("retention.mss", "1")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Unknown topic config name: retention.mss");
        assertThatThrownBy(() -> LogConfig.validate(Map.of("retention.ms", "abc")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Invalid value abc for configuration retention.ms: Not a number of type LONG");
        assertThatThrownBy(() -> LogConfig.validate(Map.of("segment.bytes", "10")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("segment.bytes");
        assertThatThrownBy(() -> LogConfig.validate(Map.of("message.timestamp.type", "Whenever")))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("message.timestamp.type");
        assertThatThrownBy(() -> LogConfig.of(Map.of(), Map.of("log.retention.ms", "1")))
                .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void logAppendTimeIsRecognised() {
        assertThat(LogConfig.of(Map.of("message.timestamp.type", "LogAppendTime"), Map.of()).timestampType())
                .isEqualTo(TimestampType.LOG_APPEND_TIME);
    }
}
