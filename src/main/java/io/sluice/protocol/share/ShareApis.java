package io.sluice.protocol.share;

import io.sluice.group.GroupCoordinator;
import io.sluice.group.share.SharePartitionManager;
import io.sluice.group.share.ShareSessions;
import io.sluice.protocol.ApiRegistry;
import io.sluice.quorum.MetadataService;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Registers the KIP-932 share group APIs (membership on the group coordinator, fetching and acknowledging on the
 * partition leaders), only when {@code group.coordinator.rebalance.protocols} names {@code share}: the share state
 * is kept in memory so far (see {@link SharePartitionManager}).
 */
public final class ShareApis {
    private ShareApis() {
    }

    public static void register(ApiRegistry registry, GroupCoordinator coordinator, MetadataService metadata,
                                SharePartitionManager sharePartitions, ScheduledExecutorService waits) {
        ShareSessions sessions = new ShareSessions();
        registry.register(ApiKeys.SHARE_GROUP_HEARTBEAT, 1, 1, new ShareGroupHeartbeatHandler(coordinator))
                .register(ApiKeys.SHARE_GROUP_DESCRIBE, 1, 1, new ShareGroupDescribeHandler(coordinator))
                .register(ApiKeys.SHARE_FETCH, 1, 1, new ShareFetchHandler(metadata, sharePartitions, sessions, waits))
                .register(ApiKeys.SHARE_ACKNOWLEDGE, 1, 1,
                        new ShareAcknowledgeHandler(metadata, sharePartitions, sessions));
    }
}
