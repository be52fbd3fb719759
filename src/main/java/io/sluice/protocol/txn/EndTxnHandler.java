package io.sluice.protocol.txn;

import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.transaction.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.requests.EndTxnRequest;

/**
 * EndTxn v0-5: commits or aborts the producer's transaction; answered once the decision is replicated. v5 is
 * transactions version 2: the epoch is bumped and the answer carries the producer id and epoch to go on with.
 */
public final class EndTxnHandler implements ApiHandler<EndTxnRequest> {
    private final TransactionCoordinator coordinator;

    public EndTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<EndTxnResponseData> handle(RequestContext context, EndTxnRequest request) {
        boolean version2 = context.apiVersion() >= 5;
        return coordinator.endTransaction(request.data().transactionalId(), request.data().producerId(),
                        request.data().producerEpoch(), request.data().committed(), version2)
                .thenApply(result -> {
                    EndTxnResponseData response = new EndTxnResponseData().setErrorCode(result.error().code());
                    if (version2) {
                        response.setProducerId(result.producerId()).setProducerEpoch(result.producerEpoch());
                    }
                    return response;
                });
    }
}
