package io.sluice.protocol.data;

import io.sluice.log.LogAppendInfo;
import io.sluice.log.VerificationGuard;
import io.sluice.metadata.MetadataImage;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.TopicImage;
import io.sluice.partition.Partition;
import io.sluice.partition.PartitionLookup;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.transaction.TransactionVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: appends each partition's batches to its log and answers with the assigned base offset.
 * Partitions fail independently. acks=0 gets no response at all, as in Kafka. A transactional producer's first
 * batch on a partition waits for its coordinator to confirm the partition is in its transaction (KIP-890).
 */
public final class ProduceHandler implements ApiHandler<ProduceRequest> {
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    /** Produce v12 is sent by producers of transactions version 2, which leave adding partitions to the leader. */
    private static final short FIRST_VERSION_OF_TRANSACTIONS_V2 = 12;

    /** Produce v10 added the current leader to NOT_LEADER_OR_FOLLOWER answers. */
    private static final short FIRST_VERSION_WITH_LEADER_HINT = 10;

    private final MetadataService metadata;
    private final PartitionLookup partitions;
    private final TransactionVerifier verifier;
    private final Executor requestThreads;
    private final boolean verifyVersion1;

    /** Without transactions (tests of the data path). */
    public ProduceHandler(MetadataService metadata, PartitionLookup partitions) {
        this(metadata, partitions, null, null, false);
    }

    /**
     * @param verifier asks a transaction's coordinator before its first batch on a partition: to add the partition
     *                 for a transactions version 2 producer (Produce v12+), to check it (KIP-890) for the others
     * @param requestThreads where an append waiting for that answer resumes, not on the thread that gave it
     * @param verifyVersion1 transaction.partition.verification.enable: whether older producers are checked too
     */
    public ProduceHandler(MetadataService metadata, PartitionLookup partitions, TransactionVerifier verifier,
                          Executor requestThreads, boolean verifyVersion1) {
        this.metadata = metadata;
        this.partitions = partitions;
        this.verifier = verifier;
        this.requestThreads = requestThreads;
        this.verifyVersion1 = verifyVersion1;
    }

    @Override
    public CompletableFuture<ProduceResponseData> handle(RequestContext context, ProduceRequest request) {
        short acks = request.data().acks();
        MetadataImage image = metadata.image();
        ProduceResponseData response = new ProduceResponseData();
        List<CompletableFuture<?>> replicationWaits = new ArrayList<>();
        for (TopicProduceData topicData : request.data().topicData()) {
            TopicProduceResponse topicResponse = new TopicProduceResponse()
                    .setName(topicData.name()).setTopicId(topicData.topicId());
            String topicName = topicName(image, topicData);
            for (PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse partitionResponse = acks != 0 && acks != 1 && acks != -1
                        ? error(partitionData.index(), Errors.INVALID_REQUIRED_ACKS, null)
                        : append(context, topicName, partitionData, acks, request.data().timeoutMs(),
                                request.data().transactionalId(), replicationWaits);
                if (partitionResponse.errorCode() == Errors.NOT_LEADER_OR_FOLLOWER.code() && topicName != null
                        && context.apiVersion() >= FIRST_VERSION_WITH_LEADER_HINT) {
                    pointToLeader(image, new TopicPartition(topicName, partitionData.index()), partitionResponse,
                            response);
                }
                topicResponse.partitionResponses().add(partitionResponse);
            }
            response.responses().add(topicResponse);
        }
        if (replicationWaits.isEmpty()) {
            return CompletableFuture.completedFuture(acks == 0 ? null : response);
        }
        // acks=0 gets no answer even when a transaction's first batch waited for its coordinator.
        return CompletableFuture.allOf(replicationWaits.toArray(CompletableFuture[]::new))
                .thenApply(done -> acks == 0 ? null : response);
    }

    /**
     * acks=all on a partition whose ISR has other members: the answer waits until the high watermark covers
     * the appended batches, or fails with REQUEST_TIMED_OUT. A partition led alone adds no wait (null).
     */
    private static CompletableFuture<?> awaitReplication(Partition.LeaderAppend append,
                                                         PartitionProduceResponse partitionResponse) {
        CompletableFuture<Errors> wait = append.replicated();
        if (wait.isDone() && wait.join() == Errors.NONE) {
            return null;
        }
        return wait.thenAccept(result -> {
            if (result != Errors.NONE) {
                setError(partitionResponse, result, result.message());
            }
        });
    }

    private PartitionProduceResponse append(RequestContext context, String topicName,
                                            PartitionProduceData partitionData, short acks, int timeoutMs,
                                            String transactionalId, List<CompletableFuture<?>> replicationWaits) {
        PartitionProduceResponse response = new PartitionProduceResponse().setIndex(partitionData.index());
        try {
            if (topicName == null) {
                throw new UnknownTopicIdException("Unknown topic id");
            }
            TopicPartition tp = new TopicPartition(topicName, partitionData.index());
            Partition partition = partitions.partition(tp);
            MemoryRecords records = (MemoryRecords) partitionData.records();
            ProduceRequest.validateRecords(context.apiVersion(), records);
            RecordBatch first = records.firstBatch();
            boolean version2 = context.apiVersion() >= FIRST_VERSION_OF_TRANSACTIONS_V2;
            if (transactionalId == null || verifier == null || first == null || !first.isTransactional()
                    || !(version2 || verifyVersion1)) {
                addWait(replicationWaits, appendNow(context, tp, () -> partition.appendAsLeader(records, acks,
                        timeoutMs), response));
                return response;
            }
            VerificationGuard guard = partition.verificationGuard(first.producerId(), first.producerEpoch(), version2);
            if (guard == VerificationGuard.TRANSACTION_OPEN) {
                addWait(replicationWaits, appendNow(context, tp, () -> partition.appendVerified(records, acks,
                        timeoutMs, guard), response));
                return response;
            }
            // The first batch of the producer's transaction here: appended once its coordinator confirms the
            // partition is part of it (or, from a transactions version 2 producer, Produce v12+, has added it), back
            // on a request thread.
            CompletableFuture<Errors> checked = version2
                    ? verifier.add(transactionalId, first.producerId(), first.producerEpoch(), tp)
                    : verifier.verify(transactionalId, first.producerId(), first.producerEpoch(), tp);
            replicationWaits.add(checked
                    .thenComposeAsync(verified -> {
                        if (verified != Errors.NONE) {
                            setError(response, verified, "The transaction of " + transactionalId
                                    + " could not be verified as including " + tp + ": " + verified.name());
                            return CompletableFuture.completedFuture(null);
                        }
                        CompletableFuture<?> wait = appendNow(context, tp, () -> partition.appendVerified(records,
                                acks, timeoutMs, guard), response);
                        return wait == null ? CompletableFuture.completedFuture(null) : wait;
                    }, requestThreads));
            return response;
        } catch (ApiException e) {
            logFailure(context, topicName, partitionData.index(), e);
            return setError(response, Errors.forException(e), e.getMessage());
        }
    }

    private static void addWait(List<CompletableFuture<?>> waits, CompletableFuture<?> wait) {
        if (wait != null) {
            waits.add(wait);
        }
    }

    /** Appends and fills the response; returns the replication wait, or null when there is none to wait for. */
    private CompletableFuture<?> appendNow(RequestContext context, TopicPartition tp,
                                           Supplier<Partition.LeaderAppend> appendToLog,
                                           PartitionProduceResponse response) {
        try {
            Partition.LeaderAppend append = appendToLog.get();
            LogAppendInfo info = append.info();
            response.setBaseOffset(info.firstOffset()).setLogAppendTimeMs(info.logAppendTime())
                    .setLogStartOffset(info.logStartOffset());
            return awaitReplication(append, response);
        } catch (ApiException e) {
            logFailure(context, tp.topic(), tp.partition(), e);
            setError(response, Errors.forException(e), e.getMessage());
            return null;
        }
    }

    private static void logFailure(RequestContext context, String topicName, int partition, ApiException e) {
        if (isBadInput(e)) {
            log.warn("Rejected produce to {}-{} from client {} at {}: {}", topicName, partition,
                    context.header().clientId(), context.connection().remoteAddress(), e.getMessage());
        } else {
            log.debug("Produce to {}-{} from {} failed: {}", topicName, partition,
                    context.header().clientId(), e.getMessage());
        }
    }

    /** KIP-951: the partition's current leader and its endpoint, for clients that retry there at once. */
    private static void pointToLeader(MetadataImage image, TopicPartition tp, PartitionProduceResponse partition,
                                      ProduceResponseData response) {
        CurrentLeader current = CurrentLeader.of(image, tp);
        if (current == null) {
            return;
        }
        partition.setCurrentLeader(new ProduceResponseData.LeaderIdAndEpoch()
                .setLeaderId(current.leaderId()).setLeaderEpoch(current.leaderEpoch()));
        if (response.nodeEndpoints().find(current.leaderId()) == null) {
            response.nodeEndpoints().add(new ProduceResponseData.NodeEndpoint().setNodeId(current.leaderId())
                    .setHost(current.leader().host()).setPort(current.leader().port())
                    .setRack(current.leader().rack()));
        }
    }

    private static boolean isBadInput(ApiException e) {
        return e instanceof CorruptRecordException || e instanceof RecordTooLargeException
                || e instanceof InvalidRecordException || e instanceof InvalidTimestampException;
    }

    private static String topicName(MetadataImage image, TopicProduceData topicData) {
        if (topicData.name() != null && !topicData.name().isEmpty()) {
            return topicData.name();
        }
        TopicImage topic = image.topicsById().get(topicData.topicId());
        return topic == null ? null : topic.name();
    }

    private static PartitionProduceResponse error(int partition, Errors error, String message) {
        return setError(new PartitionProduceResponse().setIndex(partition), error, message);
    }

    private static PartitionProduceResponse setError(PartitionProduceResponse response, Errors error, String message) {
        return response.setErrorCode(error.code()).setErrorMessage(message).setBaseOffset(-1).setLogAppendTimeMs(-1)
                .setLogStartOffset(-1);
    }
}
