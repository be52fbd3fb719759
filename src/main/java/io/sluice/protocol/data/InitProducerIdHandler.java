package io.sluice.protocol.data;

import io.sluice.broker.ProducerIdManager;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.transaction.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.requests.InitProducerIdRequest;

/**
 * InitProducerId v0-5: without a transactional id, a fresh producer id at epoch 0 (an idempotent producer); with
 * one, the transaction coordinator's answer (the id's producer id with its epoch bumped, fencing the previous
 * instance).
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {
    private final ProducerIdManager producerIds;
    private final TransactionCoordinator transactions;

    public InitProducerIdHandler(ProducerIdManager producerIds, TransactionCoordinator transactions) {
        this.producerIds = producerIds;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<InitProducerIdResponseData> handle(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdRequestData data = request.data();
        if (data.transactionalId() != null) {
            return transactions.initProducerId(data.transactionalId(), data.transactionTimeoutMs(), data.producerId(),
                    data.producerEpoch()).thenApply(result -> new InitProducerIdResponseData()
                            .setErrorCode(result.error().code()).setProducerId(result.producerId())
                            .setProducerEpoch(result.producerEpoch()));
        }
        return producerIds.nextId().thenApply(id -> new InitProducerIdResponseData().setProducerId(id).setProducerEpoch((short) 0));
    }
}
