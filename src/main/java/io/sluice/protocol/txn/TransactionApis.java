package io.sluice.protocol.txn;

import io.sluice.protocol.ApiRegistry;
import io.sluice.quorum.MetadataService;
import io.sluice.transaction.TransactionCoordinator;
import io.sluice.transaction.TransactionMarkerSender;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Registers the transaction APIs: the producer's (AddPartitionsToTxn, AddOffsetsToTxn, EndTxn; InitProducerId and
 * TxnOffsetCommit are registered with the producer and group APIs), the coordinator-to-leader WriteTxnMarkers, and
 * the admin DescribeTransactions and ListTransactions.
 */
public final class TransactionApis {
    private TransactionApis() {
    }

    public static void register(ApiRegistry registry, TransactionCoordinator coordinator, MetadataService metadata,
                                TransactionMarkerSender.LocalMarkerWriter markers) {
        registry.register(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 5, new AddPartitionsToTxnHandler(coordinator, metadata))
                .register(ApiKeys.ADD_OFFSETS_TO_TXN, 0, 4, new AddOffsetsToTxnHandler(coordinator, metadata))
                .register(ApiKeys.END_TXN, 0, 5, new EndTxnHandler(coordinator))
                .register(ApiKeys.WRITE_TXN_MARKERS, 1, 1, new WriteTxnMarkersHandler(markers))
                .register(ApiKeys.DESCRIBE_TRANSACTIONS, 0, 0, new DescribeTransactionsHandler(coordinator))
                .register(ApiKeys.LIST_TRANSACTIONS, 0, 2, new ListTransactionsHandler(coordinator));
    }
}
