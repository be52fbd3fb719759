package io.sluice.protocol.txn;

import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.transaction.TransactionCoordinator;
import io.sluice.transaction.TransactionMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TransactionState;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;

/**
 * DescribeTransactions v0: each transactional id's state, producer, timeout, start time and partitions, from the
 * coordinator that serves it (NOT_COORDINATOR elsewhere, TRANSACTIONAL_ID_NOT_FOUND for an unknown id).
 */
public final class DescribeTransactionsHandler implements ApiHandler<DescribeTransactionsRequest> {
    private final TransactionCoordinator coordinator;

    public DescribeTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<DescribeTransactionsResponseData> handle(RequestContext context,
                                                                      DescribeTransactionsRequest request) {
        DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
        for (String id : request.data().transactionalIds()) {
            TransactionState state = new TransactionState().setTransactionalId(id).setTransactionState("")
                    .setProducerId(-1).setProducerEpoch((short) -1).setTransactionTimeoutMs(-1)
                    .setTransactionStartTimeMs(-1);
            Errors notHere = coordinator.errorFor(id);
            TransactionMetadata metadata = notHere == Errors.NONE ? coordinator.describe(id) : null;
            if (notHere != Errors.NONE) {
                state.setErrorCode(notHere.code());
            } else if (metadata == null) {
                state.setErrorCode(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
            } else {
                state.setTransactionState(metadata.state().displayName()).setProducerId(metadata.producerId())
                        .setProducerEpoch(metadata.producerEpoch()).setTransactionTimeoutMs(metadata.timeoutMs())
                        .setTransactionStartTimeMs(metadata.txnStartTimestamp());
                Map<String, List<Integer>> byTopic = new TreeMap<>();
                for (TopicPartition tp : metadata.partitions()) {
                    byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
                }
                byTopic.forEach((topic, partitions) -> state.topics().add(new TopicData().setTopic(topic)
                        .setPartitions(partitions.stream().sorted().toList())));
            }
            response.transactionStates().add(state);
        }
        return CompletableFuture.completedFuture(response);
    }
}
