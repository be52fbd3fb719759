package io.sluice.group;

import io.sluice.config.BrokerConfig;
import io.sluice.share.SharePartitionConfig;

/**
 * The broker settings KIP-932 share groups obey (Kafka's group.share.* keys).
 *
 * @param recordLockDurationMs how long a member holds the records it acquired before they go to others
 * @param deliveryCountLimit   deliveries after which a record is archived instead of delivered again
 * @param maxRecordLocks       records of a share-partition that may be acquired at once
 */
public record ShareGroupConfig(int heartbeatIntervalMs, int sessionTimeoutMs, int maxSize, int recordLockDurationMs,
                               int deliveryCountLimit, int maxRecordLocks) {
    /** Kafka's defaults. */
    public static ShareGroupConfig defaults() {
        return new ShareGroupConfig(5000, 45_000, 200, 30_000, 5, 2000);
    }

    public static ShareGroupConfig of(BrokerConfig config) {
        return new ShareGroupConfig(config.groupShareHeartbeatIntervalMs(), config.groupShareSessionTimeoutMs(),
                config.groupShareMaxSize(), config.groupShareRecordLockDurationMs(),
                config.groupShareDeliveryCountLimit(), config.groupSharePartitionMaxRecordLocks());
    }

    public SharePartitionConfig partitionConfig() {
        return new SharePartitionConfig(recordLockDurationMs, deliveryCountLimit, maxRecordLocks);
    }
}
