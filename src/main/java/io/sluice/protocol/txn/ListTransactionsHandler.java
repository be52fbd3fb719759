package io.sluice.protocol.txn;

import com.google.re2j.Pattern;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.transaction.TransactionCoordinator;
import io.sluice.transaction.TransactionMetadata;
import io.sluice.transaction.TransactionState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListTransactionsRequest;

/**
 * ListTransactions v0-2: the transactional ids this node coordinates, filtered by state, producer id, how long their
 * transaction has been open (v1) and a regular expression on the id (v2, RE2/J as Kafka). Unknown state names are
 * returned, not an error.
 */
public final class ListTransactionsHandler implements ApiHandler<ListTransactionsRequest> {
    private final TransactionCoordinator coordinator;

    public ListTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ListTransactionsResponseData> handle(RequestContext context, ListTransactionsRequest request) {
        ListTransactionsRequestData data = request.data();
        ListTransactionsResponseData response = new ListTransactionsResponseData();
        Set<TransactionState> states = EnumSet.noneOf(TransactionState.class);
        for (String name : data.stateFilters()) {
            TransactionState state = TransactionState.forDisplayName(name);
            if (state == null) {
                response.unknownStateFilters().add(name);
            } else {
                states.add(state);
            }
        }
        Set<Long> producerIds = new HashSet<>(data.producerIdFilters());
        Pattern idPattern;
        try {
            idPattern = data.transactionalIdPattern() == null || data.transactionalIdPattern().isEmpty() ? null
                    : Pattern.compile(data.transactionalIdPattern());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
        }
        long now = System.currentTimeMillis();
        Predicate<TransactionMetadata> filter = metadata -> (states.isEmpty() || states.contains(metadata.state()))
                && (producerIds.isEmpty() || producerIds.contains(metadata.producerId()))
                && (data.durationFilter() < 0 || (metadata.state() == TransactionState.ONGOING
                        && now - metadata.txnStartTimestamp() >= data.durationFilter()))
                && (idPattern == null || idPattern.matches(metadata.transactionalId()));
        List<ListTransactionsResponseData.TransactionState> listed = new ArrayList<>();
        for (TransactionMetadata metadata : coordinator.list(filter)) {
            listed.add(new ListTransactionsResponseData.TransactionState()
                    .setTransactionalId(metadata.transactionalId()).setProducerId(metadata.producerId())
                    .setTransactionState(metadata.state().displayName()));
        }
        return CompletableFuture.completedFuture(response.setTransactionStates(listed));
    }
}
