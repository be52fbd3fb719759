package io.sluice.protocol.txn;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import io.sluice.quorum.MetadataService;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.transaction.TransactionCoordinator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResultCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResultCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;

/**
 * AddPartitionsToTxn: v0-3 from producers (one transaction: its partitions join it), v4-5 from brokers (a batch of
 * transactions; with verify_only, KIP-890's check that each partition is already in its producer's transaction).
 * Partitions of unknown topics fail with UNKNOWN_TOPIC_OR_PARTITION and the others of that transaction with
 * OPERATION_NOT_ATTEMPTED, as in Kafka.
 */
public final class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequest> {
    private final TransactionCoordinator coordinator;
    private final MetadataService metadata;

    public AddPartitionsToTxnHandler(TransactionCoordinator coordinator, MetadataService metadata) {
        this.coordinator = coordinator;
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<AddPartitionsToTxnResponseData> handle(RequestContext context,
                                                                    AddPartitionsToTxnRequest request) {
        if (context.apiVersion() <= 3) {
            AddPartitionsToTxnTransaction single = new AddPartitionsToTxnTransaction()
                    .setTransactionalId(request.data().v3AndBelowTransactionalId())
                    .setProducerId(request.data().v3AndBelowProducerId())
                    .setProducerEpoch(request.data().v3AndBelowProducerEpoch())
                    .setTopics(request.data().v3AndBelowTopics());
            return handleOne(single).thenApply(result -> new AddPartitionsToTxnResponseData()
                    .setResultsByTopicV3AndBelow(result.topicResults()));
        }
        List<CompletableFuture<AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnTransaction transaction : request.data().transactions()) {
            results.add(handleOne(transaction));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done -> {
            AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData();
            results.forEach(result -> response.resultsByTransaction().add(result.join()));
            return response;
        });
    }

    private CompletableFuture<AddPartitionsToTxnResult> handleOne(AddPartitionsToTxnTransaction transaction) {
        List<TopicPartition> partitions = partitionsOf(transaction.topics());
        Map<TopicPartition, Errors> unknown = unknownPartitions(partitions);
        CompletableFuture<Map<TopicPartition, Errors>> errors;
        if (!unknown.isEmpty()) {
            Map<TopicPartition, Errors> outcome = new HashMap<>();
            partitions.forEach(tp -> outcome.put(tp, unknown.getOrDefault(tp, Errors.OPERATION_NOT_ATTEMPTED)));
            errors = CompletableFuture.completedFuture(outcome);
        } else if (transaction.verifyOnly()) {
            errors = verify(transaction, partitions);
        } else {
            errors = coordinator.addPartitions(transaction.transactionalId(), transaction.producerId(),
                    transaction.producerEpoch(), partitions).thenApply(error -> {
                        Map<TopicPartition, Errors> outcome = new HashMap<>();
                        partitions.forEach(tp -> outcome.put(tp, error));
                        return outcome;
                    });
        }
        return errors.thenApply(outcome -> result(transaction.transactionalId(), outcome));
    }

    private CompletableFuture<Map<TopicPartition, Errors>> verify(AddPartitionsToTxnTransaction transaction,
                                                                  List<TopicPartition> partitions) {
        Map<TopicPartition, CompletableFuture<Errors>> checks = new HashMap<>();
        for (TopicPartition tp : partitions) {
            checks.put(tp, coordinator.verifyPartition(transaction.transactionalId(), transaction.producerId(),
                    transaction.producerEpoch(), tp));
        }
        return CompletableFuture.allOf(checks.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<TopicPartition, Errors> outcome = new HashMap<>();
            checks.forEach((tp, check) -> outcome.put(tp, check.join()));
            return outcome;
        });
    }

    private Map<TopicPartition, Errors> unknownPartitions(List<TopicPartition> partitions) {
        MetadataImage image = metadata.image();
        Map<TopicPartition, Errors> unknown = new HashMap<>();
        for (TopicPartition tp : partitions) {
            TopicImage topic = image.topic(tp.topic());
            if (topic == null || !topic.partitions().containsKey(tp.partition())) {
                unknown.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
        }
        return unknown;
    }

    private static List<TopicPartition> partitionsOf(AddPartitionsToTxnTopicCollection topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (AddPartitionsToTxnTopic topic : topics) {
            topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.name(), p)));
        }
        return partitions;
    }

    private static AddPartitionsToTxnResult result(String transactionalId, Map<TopicPartition, Errors> outcome) {
        AddPartitionsToTxnTopicResultCollection topics = new AddPartitionsToTxnTopicResultCollection();
        outcome.forEach((tp, error) -> {
            AddPartitionsToTxnTopicResult topic = topics.find(tp.topic());
            if (topic == null) {
                topic = new AddPartitionsToTxnTopicResult().setName(tp.topic())
                        .setResultsByPartition(new AddPartitionsToTxnPartitionResultCollection());
                topics.add(topic);
            }
            topic.resultsByPartition().add(new AddPartitionsToTxnPartitionResult().setPartitionIndex(tp.partition())
                    .setPartitionErrorCode(error.code()));
        });
        return new AddPartitionsToTxnResult().setTransactionalId(transactionalId).setTopicResults(topics);
    }
}
