package io.sluice.transaction;

import io.sluice.broker.BrokerConnections;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * KIP-890's check, for a partition leader about to append the first batch of a producer's transaction: asks the
 * transaction coordinator whether the partition is part of that producer's open transaction (or, for transactions
 * version 2, has it added), this node's own coordinator directly and another node's with AddPartitionsToTxn v4
 * (verify_only for the check). The answer is in the errors a
 * producer understands: NONE, INVALID_TXN_STATE, INVALID_PRODUCER_EPOCH, or NOT_ENOUGH_REPLICAS (retriable) when
 * the coordinator cannot be asked now.
 *
 * <p>Threading: local checks are coordinator events; remote ones run on the verifier's own thread, one request at a
 * time per node. Callers must not continue their work on the thread that completes the future.
 */
public final class TransactionVerifier implements AutoCloseable {
    private static final short ADD_PARTITIONS_VERIFY_VERSION = 4;
    private static final int SOCKET_TIMEOUT_MS = 15_000;
    private static final int CONCURRENT_RETRIES = 20;
    private static final long CONCURRENT_RETRY_MS = 5;

    private final int nodeId;
    private final TransactionCoordinator coordinator;
    private final Supplier<MetadataImage> metadata;
    private final ScheduledExecutorService thread;
    /** Touched only on the verifier's thread. */
    private final BrokerConnections connections;

    public TransactionVerifier(int nodeId, TransactionCoordinator coordinator, Supplier<MetadataImage> metadata,
                               ScheduledExecutorService thread) {
        this.nodeId = nodeId;
        this.coordinator = coordinator;
        this.metadata = metadata;
        this.thread = thread;
        this.connections = new BrokerConnections("sluice-txn-verifier-" + nodeId, SOCKET_TIMEOUT_MS);
    }

    public CompletableFuture<Errors> verify(String transactionalId, long producerId, short epoch, TopicPartition tp) {
        return check(transactionalId, producerId, epoch, tp, false);
    }

    /**
     * Transactions version 2: the producer sends no AddPartitionsToTxn, so the leader adds the partition to the
     * producer's transaction (starting one if none is open) before its first batch; the same answers as verify.
     */
    public CompletableFuture<Errors> add(String transactionalId, long producerId, short epoch, TopicPartition tp) {
        return check(transactionalId, producerId, epoch, tp, true);
    }

    private CompletableFuture<Errors> check(String transactionalId, long producerId, short epoch, TopicPartition tp,
                                            boolean add) {
        return ask(transactionalId, producerId, epoch, tp, add, 0).thenApply(TransactionVerifier::forProducer);
    }

    /**
     * The coordinator's own answer. CONCURRENT_TRANSACTIONS (the producer's previous transaction is still writing its
     * markers, as right after a version 2 EndTxn) is asked again here a few times shortly after, as Kafka's leaders
     * do, rather than sending the producer into its longer retry backoff.
     */
    private CompletableFuture<Errors> ask(String transactionalId, long producerId, short epoch, TopicPartition tp,
                                          boolean add, int attempt) {
        CompletableFuture<Errors> answer;
        if (coordinator.errorFor(transactionalId) == Errors.NONE) {
            answer = add ? coordinator.addPartitions(transactionalId, producerId, epoch, List.of(tp))
                    : coordinator.verifyPartition(transactionalId, producerId, epoch, tp);
        } else {
            BrokerImage leader = coordinatorNode(transactionalId);
            if (leader == null || leader.id() == nodeId) {
                return CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);
            }
            answer = onVerifierThread(() -> askRemote(leader, transactionalId, producerId, epoch, tp, add), 0);
        }
        return answer.thenCompose(error -> error != Errors.CONCURRENT_TRANSACTIONS || attempt >= CONCURRENT_RETRIES
                ? CompletableFuture.completedFuture(error)
                : onVerifierThread(() -> null, CONCURRENT_RETRY_MS).thenCompose(
                        ignored -> ask(transactionalId, producerId, epoch, tp, add, attempt + 1)));
    }

    private <T> CompletableFuture<T> onVerifierThread(Supplier<T> work, long delayMs) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.schedule(() -> result.complete(work.get()), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            result.complete(null);
        }
        return result;
    }

    private BrokerImage coordinatorNode(String transactionalId) {
        MetadataImage image = metadata.get();
        TopicImage topic = image.topic(TransactionStateTopic.NAME);
        if (topic == null || topic.partitions().isEmpty()) {
            return null;
        }
        PartitionImage partition = topic.partitions().get(
                TransactionStateTopic.partitionFor(transactionalId, topic.partitions().size()));
        return partition == null ? null : image.brokers().get(partition.leader());
    }

    private Errors askRemote(BrokerImage leader, String transactionalId, long producerId, short epoch,
                             TopicPartition tp, boolean add) {
        AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnTopic().setName(tp.topic()).setPartitions(List.of(tp.partition())));
        AddPartitionsToTxnTransactionCollection transactions = new AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnTransaction().setTransactionalId(transactionalId)
                .setProducerId(producerId).setProducerEpoch(epoch).setVerifyOnly(!add).setTopics(topics));
        try {
            AddPartitionsToTxnResponseData response = connections.send(leader, ApiKeys.ADD_PARTITIONS_TO_TXN,
                    ADD_PARTITIONS_VERIFY_VERSION, new AddPartitionsToTxnRequestData().setTransactions(transactions),
                    new AddPartitionsToTxnResponseData());
            if (response.errorCode() != Errors.NONE.code()) {
                return Errors.forCode(response.errorCode());
            }
            for (var result : response.resultsByTransaction()) {
                for (var topic : result.topicResults()) {
                    for (var partition : topic.resultsByPartition()) {
                        return Errors.forCode(partition.partitionErrorCode());
                    }
                }
            }
            return Errors.COORDINATOR_NOT_AVAILABLE;
        } catch (IOException | RuntimeException e) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
    }

    /** A coordinator's answer as the producer must hear it: its own errors, or a retriable one for the rest. */
    private static Errors forProducer(Errors error) {
        if (error == null) {
            return Errors.NOT_ENOUGH_REPLICAS;
        }
        return switch (error) {
            case NONE, INVALID_TXN_STATE -> error;
            case PRODUCER_FENCED, INVALID_PRODUCER_EPOCH -> Errors.INVALID_PRODUCER_EPOCH;
            case INVALID_PRODUCER_ID_MAPPING -> Errors.INVALID_TXN_STATE;
            default -> Errors.NOT_ENOUGH_REPLICAS;
        };
    }

    @Override
    public void close() {
        thread.shutdownNow();
        connections.close();
    }

    @Override
    public String toString() {
        return "TransactionVerifier(" + nodeId + ")";
    }
}
