package io.sluice.group;

import io.sluice.group.consumer.assignor.PartitionAssignor;
import io.sluice.group.consumer.assignor.PartitionAssignors;
import java.util.List;

/**
 * The broker settings KIP-848 consumer groups obey (Kafka's group.consumer.* keys).
 *
 * @param assignors            the server-side assignors members may name; the first is the default
 * @param migrationPolicy      Kafka's group.consumer.migration.policy (bidirectional, upgrade, downgrade, disabled)
 */
public record ConsumerGroupConfig(int heartbeatIntervalMs, int sessionTimeoutMs, int maxSize,
                                  List<PartitionAssignor> assignors, String migrationPolicy) {
    public ConsumerGroupConfig {
        if (assignors.isEmpty()) {
            throw new IllegalArgumentException("group.consumer.assignors must name at least one assignor");
        }
        assignors = List.copyOf(assignors);
    }

    /** Kafka's defaults: heartbeats every 5 s, sessions of 45 s, the uniform then the range assignor. */
    public static ConsumerGroupConfig defaults() {
        return new ConsumerGroupConfig(5000, 45_000, Integer.MAX_VALUE,
                PartitionAssignors.defaults().all(), "bidirectional");
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
}
