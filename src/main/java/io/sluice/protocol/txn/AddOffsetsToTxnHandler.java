package io.sluice.protocol.txn;

import io.sluice.group.offsets.OffsetsTopic;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.quorum.MetadataService;
import io.sluice.transaction.TransactionCoordinator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;

/**
 * AddOffsetsToTxn v0-4: the group's __consumer_offsets partition joins the producer's transaction, so that the
 * offsets it then commits with TxnOffsetCommit are committed or dropped with it.
 */
public final class AddOffsetsToTxnHandler implements ApiHandler<AddOffsetsToTxnRequest> {
    private final TransactionCoordinator coordinator;
    private final MetadataService metadata;

    public AddOffsetsToTxnHandler(TransactionCoordinator coordinator, MetadataService metadata) {
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<AddOffsetsToTxnResponseData> handle(RequestContext context, AddOffsetsToTxnRequest request) {
        TopicImage offsets = metadata.image().topic(OffsetsTopic.NAME);
        if (offsets == null) {
            return CompletableFuture.completedFuture(new AddOffsetsToTxnResponseData()
                    .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()));
        }
        TopicPartition partition = OffsetsTopic.topicPartition(request.data().groupId(), offsets.partitions().size());
        return coordinator.addPartitions(request.data().transactionalId(), request.data().producerId(),
                        request.data().producerEpoch(), List.of(partition))
                .thenApply(error -> new AddOffsetsToTxnResponseData().setErrorCode(error.code()));
    }
}
