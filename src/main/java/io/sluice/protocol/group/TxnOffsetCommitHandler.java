package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;

/**
 * TxnOffsetCommit v0-4 (v5 belongs to transactions version 2): a transactional producer's sendOffsetsToTransaction, after AddOffsetsToTxn; answered once
 * the offsets are stored as the producer's transactional records (committed when its transaction commits).
 */
public final class TxnOffsetCommitHandler implements ApiHandler<TxnOffsetCommitRequest> {
    private final GroupCoordinator coordinator;

    public TxnOffsetCommitHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<TxnOffsetCommitResponseData> handle(RequestContext context, TxnOffsetCommitRequest request) {
        return coordinator.commitTransactionalOffsets(request.data());
    }
}
