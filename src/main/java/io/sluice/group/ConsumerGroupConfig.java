package io.sluice.group;

import io.sluice.config.BrokerConfig;
import io.sluice.group.consumer.assignor.PartitionAssignor;
import io.sluice.group.consumer.assignor.PartitionAssignors;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * The broker settings KIP-848 consumer groups obey (Kafka's group.consumer.* keys), and the group configs that may
 * override two of them per group (config resource type GROUP: {@code consumer.session.timeout.ms} and
 * {@code consumer.heartbeat.interval.ms}, within the broker's bounds, as Kafka checks them; and a share group's
 * {@code share.auto.offset.reset}).
 *
 * @param assignors            the server-side assignors members may name; the first is the default
 * @param migrationPolicy      Kafka's group.consumer.migration.policy (bidirectional, upgrade, downgrade, disabled)
 */
public record ConsumerGroupConfig(int heartbeatIntervalMs, int minHeartbeatIntervalMs, int maxHeartbeatIntervalMs,
                                  int sessionTimeoutMs, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                                  int maxSize, List<PartitionAssignor> assignors, String migrationPolicy) {
    public static final String SESSION_TIMEOUT_MS = "consumer.session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "consumer.heartbeat.interval.ms";
    /** Where a share group starts reading a partition it has not read before: latest (Kafka's default) or earliest. */
    public static final String SHARE_AUTO_OFFSET_RESET = "share.auto.offset.reset";

    public ConsumerGroupConfig {
        if (assignors.isEmpty()) {
            throw new IllegalArgumentException("group.consumer.assignors must name at least one assignor");
        }
        assignors = List.copyOf(assignors);
    }

    /** Kafka's defaults: heartbeats every 5 s, sessions of 45 s, the uniform then the range assignor. */
    public static ConsumerGroupConfig defaults() {
        return new ConsumerGroupConfig(5000, 5000, 15_000, 45_000, 45_000, 60_000, Integer.MAX_VALUE,
                PartitionAssignors.defaults().all(), "bidirectional");
    }

    public static ConsumerGroupConfig of(BrokerConfig config) {
        return new ConsumerGroupConfig(config.groupConsumerHeartbeatIntervalMs(),
                config.groupConsumerMinHeartbeatIntervalMs(), config.groupConsumerMaxHeartbeatIntervalMs(),
                config.groupConsumerSessionTimeoutMs(), config.groupConsumerMinSessionTimeoutMs(),
                config.groupConsumerMaxSessionTimeoutMs(),
                config.groupConsumerMaxSize(), PartitionAssignors.of(config.groupConsumerAssignors()).all(),
                config.groupConsumerMigrationPolicy());
    }

    public PartitionAssignor defaultAssignor() {
        return assignors.get(0);
    }

    /** The assignor of that name, or null. */
    public PartitionAssignor assignor(String name) {
        for (PartitionAssignor assignor : assignors) {
            if (assignor.name().equals(name)) {
                return assignor;
            }
        }
        return null;
    }

    /** The group config keys and their values when a group does not override them (the broker's settings). */
    public Map<String, String> groupConfigDefaults() {
        return Map.of(SESSION_TIMEOUT_MS, Integer.toString(sessionTimeoutMs),
                HEARTBEAT_INTERVAL_MS, Integer.toString(heartbeatIntervalMs), SHARE_AUTO_OFFSET_RESET, "latest");
    }

    /** The session timeout of a group with these overrides. */
    public int sessionTimeoutMs(Map<String, String> overrides) {
        String value = overrides.get(SESSION_TIMEOUT_MS);
        return value == null ? sessionTimeoutMs : Integer.parseInt(value);
    }

    /** The heartbeat interval of a group with these overrides. */
    public int heartbeatIntervalMs(Map<String, String> overrides) {
        String value = overrides.get(HEARTBEAT_INTERVAL_MS);
        return value == null ? heartbeatIntervalMs : Integer.parseInt(value);
    }

    /** Throws InvalidConfigurationException, in Kafka's words, unless every override is a valid group config. */
    public void validateGroupConfigs(Map<String, String> overrides) {
        for (Map.Entry<String, String> override : overrides.entrySet()) {
            String key = override.getKey();
            if (key.equals(SHARE_AUTO_OFFSET_RESET)) {
                if (!override.getValue().equals("latest") && !override.getValue().equals("earliest")) {
                    throw new InvalidConfigurationException("Invalid value " + override.getValue()
                            + " for configuration " + key + ": String must be one of: latest, earliest");
                }
                continue;
            }
            if (!key.equals(SESSION_TIMEOUT_MS) && !key.equals(HEARTBEAT_INTERVAL_MS)) {
                throw new InvalidConfigurationException("Unknown group config name: " + key + " (valid: "
                        + SESSION_TIMEOUT_MS + ", " + HEARTBEAT_INTERVAL_MS + ", " + SHARE_AUTO_OFFSET_RESET + ")");
            }
            try {
                Integer.parseInt(override.getValue());
            } catch (NumberFormatException e) {
                throw new InvalidConfigurationException("Invalid value " + override.getValue() + " for configuration "
                        + key + ": Not a number of type INT");
            }
        }
        int session = sessionTimeoutMs(overrides);
        int heartbeat = heartbeatIntervalMs(overrides);
        if (session < minSessionTimeoutMs || session > maxSessionTimeoutMs) {
            throw new InvalidConfigurationException(SESSION_TIMEOUT_MS + " must be between "
                    + minSessionTimeoutMs + " and " + maxSessionTimeoutMs
                    + " (group.consumer.min.session.timeout.ms and group.consumer.max.session.timeout.ms)");
        }
        if (heartbeat < minHeartbeatIntervalMs || heartbeat > maxHeartbeatIntervalMs) {
            throw new InvalidConfigurationException(HEARTBEAT_INTERVAL_MS + " must be between "
                    + minHeartbeatIntervalMs + " and " + maxHeartbeatIntervalMs
                    + " (group.consumer.min.heartbeat.interval.ms and group.consumer.max.heartbeat.interval.ms)");
        }
        if (heartbeat >= session) {
            throw new InvalidConfigurationException(HEARTBEAT_INTERVAL_MS + " must be less than "
                    + SESSION_TIMEOUT_MS);
        }
    }
}
