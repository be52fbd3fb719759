package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.quorum.MetadataService;
import io.sluice.protocol.ApiRegistry;
import org.apache.kafka.common.protocol.ApiKeys;

/** Registers the consumer-group APIs (classic and KIP-848 protocols, offsets, group administration). */
public final class GroupApis {
    private GroupApis() {
    }

    /**
     * FindCoordinator answers from the metadata (for transactional ids too, asking for __transaction_state with
     * {@code transactionTopicNeeded} when it is missing); the other APIs go to the coordinator. The KIP-848 APIs
     * are advertised only with {@code consumerProtocol} (group.coordinator.rebalance.protocols has "consumer"), so
     * clients asking for {@code group.protocol=consumer} otherwise hear that the cluster does not support it.
     */
    public static void register(ApiRegistry registry, GroupCoordinator coordinator, MetadataService metadata,
                                Runnable transactionTopicNeeded,
                                TxnOffsetCommitHandler.TransactionPartitionAdder transactions,
                                boolean consumerProtocol) {
        if (consumerProtocol) {
            registry.register(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, 1, new ConsumerGroupHeartbeatHandler(coordinator))
                    .register(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, 1, new ConsumerGroupDescribeHandler(coordinator));
        }
        registry.register(ApiKeys.FIND_COORDINATOR, 0, 6, new FindCoordinatorHandler(metadata, transactionTopicNeeded))
                .register(ApiKeys.JOIN_GROUP, 0, 9, new JoinGroupHandler(coordinator))
                .register(ApiKeys.SYNC_GROUP, 0, 5, new SyncGroupHandler(coordinator))
                .register(ApiKeys.HEARTBEAT, 0, 4, new HeartbeatHandler(coordinator))
                .register(ApiKeys.LEAVE_GROUP, 0, 5, new LeaveGroupHandler(coordinator))
                .register(ApiKeys.OFFSET_COMMIT, 2, 9, new OffsetCommitHandler(coordinator))
                .register(ApiKeys.OFFSET_FETCH, 1, 9, new OffsetFetchHandler(coordinator))
                .register(ApiKeys.LIST_GROUPS, 0, 5, new ListGroupsHandler(coordinator))
                .register(ApiKeys.DESCRIBE_GROUPS, 0, 6, new DescribeGroupsHandler(coordinator))
                .register(ApiKeys.DELETE_GROUPS, 0, 2, new DeleteGroupsHandler(coordinator))
                .register(ApiKeys.OFFSET_DELETE, 0, 0, new OffsetDeleteHandler(coordinator))
                .register(ApiKeys.TXN_OFFSET_COMMIT, 0, 5, new TxnOffsetCommitHandler(coordinator, metadata, transactions));
    }
}
