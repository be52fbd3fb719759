package io.sluice.group;

/**
 * The broker settings the coordinator obeys (Kafka's group.* keys).
 *
 * @param initialRebalanceDelayMs how long the first rebalance of an empty group waits for more members
 * @param minSessionTimeoutMs     smallest session timeout a member may ask for
 * @param maxSessionTimeoutMs     largest session timeout a member may ask for
 * @param maxSize                 most members a group may have
 * @param consumer                the settings of KIP-848 consumer groups
 * @param share                   the settings of KIP-932 share groups
 */
public record GroupConfig(int initialRebalanceDelayMs, int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxSize,
                          ConsumerGroupConfig consumer, ShareGroupConfig share) {
    /** Classic settings as given, Kafka's defaults for consumer and share groups. */
    public GroupConfig(int initialRebalanceDelayMs, int minSessionTimeoutMs, int maxSessionTimeoutMs, int maxSize) {
        this(initialRebalanceDelayMs, minSessionTimeoutMs, maxSessionTimeoutMs, maxSize,
                ConsumerGroupConfig.defaults(), ShareGroupConfig.defaults());
    }

    /** Kafka's defaults. */
    public static GroupConfig defaults() {
        return new GroupConfig(3000, 6000, 1_800_000, Integer.MAX_VALUE);
    }
}
