package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.group.offsets.OffsetsTopic;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.quorum.MetadataService;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;

/**
 * TxnOffsetCommit v0-5: a transactional producer's sendOffsetsToTransaction; answered once the offsets are stored as
 * the producer's transactional records (committed when its transaction commits). Before v5 the producer sent
 * AddOffsetsToTxn first; v5 (transactions version 2) leaves it to the broker, which has the group's offsets
 * partition added to the transaction before storing.
 */
public final class TxnOffsetCommitHandler implements ApiHandler<TxnOffsetCommitRequest> {
    private static final short FIRST_VERSION_OF_TRANSACTIONS_V2 = 5;

    /** Adds a partition to a producer's transaction (the transaction coordinator's answer, as a producer hears it). */
    @FunctionalInterface
    public interface TransactionPartitionAdder {
        CompletableFuture<Errors> add(String transactionalId, long producerId, short epoch, TopicPartition tp);
    }

    private final GroupCoordinator coordinator;
    private final MetadataService metadata;
    private final TransactionPartitionAdder transactions;

    public TxnOffsetCommitHandler(GroupCoordinator coordinator, MetadataService metadata,
                                  TransactionPartitionAdder transactions) {
        this.coordinator = coordinator;
        this.metadata = metadata;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<TxnOffsetCommitResponseData> handle(RequestContext context, TxnOffsetCommitRequest request) {
        TxnOffsetCommitRequestData data = request.data();
        if (context.apiVersion() < FIRST_VERSION_OF_TRANSACTIONS_V2) {
            return coordinator.commitTransactionalOffsets(data);
        }
        TopicImage offsets = metadata.image().topic(OffsetsTopic.NAME);
        if (offsets == null) {
            return CompletableFuture.completedFuture(failed(data, Errors.COORDINATOR_LOAD_IN_PROGRESS));
        }
        TopicPartition partition = OffsetsTopic.topicPartition(data.groupId(), offsets.partitions().size());
        return transactions.add(data.transactionalId(), data.producerId(), data.producerEpoch(), partition)
                .thenCompose(added -> added == Errors.NONE ? coordinator.commitTransactionalOffsets(data)
                        // Retried by the producer: the coordinator is busy or moving; the others end the transaction.
                        : CompletableFuture.completedFuture(failed(data, added == Errors.NOT_ENOUGH_REPLICAS
                                ? Errors.COORDINATOR_LOAD_IN_PROGRESS : added)));
    }

    private static TxnOffsetCommitResponseData failed(TxnOffsetCommitRequestData request, Errors error) {
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        request.topics().forEach(topic -> {
            TxnOffsetCommitResponseTopic responseTopic = new TxnOffsetCommitResponseTopic().setName(topic.name());
            topic.partitions().forEach(p -> responseTopic.partitions().add(new TxnOffsetCommitResponsePartition()
                    .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code())));
            response.topics().add(responseTopic);
        });
        return response;
    }
}
