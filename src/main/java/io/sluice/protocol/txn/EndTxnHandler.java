package io.sluice.protocol.txn;

import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.transaction.TransactionCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.requests.EndTxnRequest;

/** EndTxn v0-4: commits or aborts the producer's transaction; answered once the decision is replicated. */
public final class EndTxnHandler implements ApiHandler<EndTxnRequest> {
    private final TransactionCoordinator coordinator;

    public EndTxnHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<EndTxnResponseData> handle(RequestContext context, EndTxnRequest request) {
        return coordinator.endTransaction(request.data().transactionalId(), request.data().producerId(),
                        request.data().producerEpoch(), request.data().committed())
                .thenApply(error -> new EndTxnResponseData().setErrorCode(error.code()));
    }
}
