package io.sluice.share;

/**
 * The settings a share-partition applies, resolved by its owner from the broker defaults and the group's own
 * configuration.
 *
 * <p>Immutable; usable from any thread.
 *
 * @param recordLockDurationMs how long an acquired record stays locked to its member (group
 *                             {@code share.record.lock.duration.ms}, broker {@code group.share.record.lock.duration.ms})
 * @param deliveryCountLimit   deliveries after which a released or expired record is archived instead of redelivered
 *                             ({@code group.share.delivery.count.limit})
 * @param maxRecordLocks       how many records may be ACQUIRED at once; acquisition stops there
 *                             ({@code group.share.partition.max.record.locks})
 */
public record SharePartitionConfig(int recordLockDurationMs, int deliveryCountLimit, int maxRecordLocks) {
    /** Kafka 4.x's defaults. */
    public static final SharePartitionConfig DEFAULTS = new SharePartitionConfig(30_000, 5, 2_000);

    public SharePartitionConfig {
        if (recordLockDurationMs <= 0 || deliveryCountLimit <= 0 || deliveryCountLimit > Short.MAX_VALUE
                || maxRecordLocks <= 0) {
            throw new IllegalArgumentException("Invalid share-partition settings: lock duration "
                    + recordLockDurationMs + " ms, delivery count limit " + deliveryCountLimit
                    + ", max record locks " + maxRecordLocks);
        }
    }

    public SharePartitionConfig withRecordLockDurationMs(int ms) {
        return new SharePartitionConfig(ms, deliveryCountLimit, maxRecordLocks);
    }

    public SharePartitionConfig withDeliveryCountLimit(int limit) {
        return new SharePartitionConfig(recordLockDurationMs, limit, maxRecordLocks);
    }

    public SharePartitionConfig withMaxRecordLocks(int max) {
        return new SharePartitionConfig(recordLockDurationMs, deliveryCountLimit, max);
    }
}
