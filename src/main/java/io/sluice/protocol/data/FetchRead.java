package io.sluice.protocol.data;

import io.sluice.log.AbortedTxn;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import io.sluice.network.FileSliceRecords;
import io.sluice.partition.FetchParams;
import io.sluice.partition.FetchResult;
import io.sluice.partition.Partition;
import io.sluice.partition.PartitionLookup;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * One pass over the partitions of a fetch request: reads each from its log within the partition
 * and response byte limits and builds the response. A long-poll fetch runs it again when data arrives.
 */
final class FetchRead {
    /** Fetch v16 added the current leader to NOT_LEADER_OR_FOLLOWER and FENCED_LEADER_EPOCH answers. */
    private static final short FIRST_VERSION_WITH_LEADER_HINT = 16;

    private final FetchRequestData request;
    private final short version;
    private final PartitionLookup partitions;
    /** The fetching follower's node id, or negative for a consumer. */
    private final int replicaId;
    /** Follower fetch offsets are recorded on the first read only, not on long-poll re-reads. */
    private boolean followerFetchRecorded;

    FetchRead(FetchRequestData request, short version, PartitionLookup partitions, int replicaId) {
        this.request = request;
        this.version = version;
        this.partitions = partitions;
        this.replicaId = replicaId;
    }

    /** The partitions this request reads, for long-poll wake-ups; unknown topics are left out. */
    List<TopicPartition> partitions(MetadataImage image) {
        List<TopicPartition> result = new ArrayList<>();
        for (FetchTopic topic : request.topics()) {
            String name = topicName(image, topic);
            if (name != null) {
                topic.partitions().forEach(p -> result.add(new TopicPartition(name, p.partition())));
            }
        }
        return result;
    }

    Result read(MetadataImage image) {
        FetchResponseData response = new FetchResponseData().setSessionId(0);
        int remaining = request.maxBytes();
        long bytes = 0;
        boolean errors = false;
        boolean readCommitted = request.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        for (FetchTopic topic : request.topics()) {
            String name = topicName(image, topic);
            FetchableTopicResponse topicResponse = new FetchableTopicResponse().setTopic(name == null ? topic.topic() : name)
                    .setTopicId(topic.topicId());
            for (FetchPartition fetch : topic.partitions()) {
                PartitionData data = new PartitionData().setPartitionIndex(fetch.partition());
                if (readCommitted) {
                    data.setAbortedTransactions(new ArrayList<>());
                }
                if (name == null) {
                    data.setErrorCode((version >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                    data.setRecords(MemoryRecords.EMPTY);
                    errors = true;
                } else {
                    TopicPartition tp = new TopicPartition(name, fetch.partition());
                    int size = readPartition(tp, fetch, Math.min(remaining, fetch.partitionMaxBytes()),
                            bytes == 0, readCommitted, data);
                    boolean ledElsewhere = data.errorCode() == Errors.NOT_LEADER_OR_FOLLOWER.code()
                            || data.errorCode() == Errors.FENCED_LEADER_EPOCH.code();
                    if (ledElsewhere && version >= FIRST_VERSION_WITH_LEADER_HINT) {
                        pointToLeader(image, tp, data, response);
                    }
                    remaining -= size;
                    bytes += size;
                    // A diverging fetcher must hear about it at once, not after the long-poll wait.
                    errors |= data.errorCode() != Errors.NONE.code() || data.divergingEpoch().epoch() >= 0;
                }
                topicResponse.partitions().add(data);
            }
            response.responses().add(topicResponse);
        }
        followerFetchRecorded = true;
        return new Result(response, bytes, errors);
    }

    /** KIP-951: the partition's current leader and its endpoint, for clients that retry there at once. */
    private static void pointToLeader(MetadataImage image, TopicPartition tp, PartitionData data,
                                      FetchResponseData response) {
        CurrentLeader current = CurrentLeader.of(image, tp);
        if (current == null) {
            return;
        }
        data.setCurrentLeader(new FetchResponseData.LeaderIdAndEpoch()
                .setLeaderId(current.leaderId()).setLeaderEpoch(current.leaderEpoch()));
        if (response.nodeEndpoints().find(current.leaderId()) == null) {
            response.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(current.leaderId())
                    .setHost(current.leader().host()).setPort(current.leader().port())
                    .setRack(current.leader().rack()));
        }
    }

    private int readPartition(TopicPartition tp, FetchPartition fetch, int maxBytes, boolean minOneBatch,
                              boolean readCommitted, PartitionData data) {
        Partition partition = null;
        try {
            partition = partitions.partition(tp);
            FetchResult result = partition.read(new FetchParams(replicaId, fetch.fetchOffset(),
                    fetch.currentLeaderEpoch(), fetch.lastFetchedEpoch(), maxBytes, minOneBatch, !followerFetchRecorded,
                    readCommitted && replicaId < 0));
            data.setHighWatermark(result.highWatermark())
                    .setLastStableOffset(result.lastStableOffset())
                    .setLogStartOffset(result.logStartOffset());
            if (result.abortedTransactions() != null) {
                List<FetchResponseData.AbortedTransaction> aborted = new ArrayList<>(result.abortedTransactions().size());
                for (AbortedTxn txn : result.abortedTransactions()) {
                    aborted.add(new FetchResponseData.AbortedTransaction().setProducerId(txn.producerId())
                            .setFirstOffset(txn.firstOffset()));
                }
                data.setAbortedTransactions(aborted);
            }
            if (result.diverged()) {
                data.setDivergingEpoch(new FetchResponseData.EpochEndOffset().setEpoch(result.divergingEpoch().epoch())
                        .setEndOffset(result.divergingEpoch().endOffset())).setRecords(MemoryRecords.EMPTY);
                return 0;
            }
            data.setRecords(new FileSliceRecords(result.info().slice()));
            return result.info().slice().size();
        } catch (ApiException e) {
            data.setErrorCode(Errors.forException(e).code()).setRecords(MemoryRecords.EMPTY);
            if (e instanceof OffsetOutOfRangeException && partition != null) {
                data.setHighWatermark(partition.highWatermark()).setLastStableOffset(partition.lastStableOffset())
                        .setLogStartOffset(partition.logStartOffset());
            }
            return 0;
        }
    }

    private String topicName(MetadataImage image, FetchTopic topic) {
        if (version < 13) {
            return image.topicsByName().containsKey(topic.topic()) ? topic.topic() : null;
        }
        TopicImage byId = image.topicsById().get(topic.topicId());
        return byId == null ? null : byId.name();
    }


    /** A built response, how many record bytes it carries and whether any partition failed or diverged. */
    record Result(FetchResponseData response, long bytes, boolean hasErrors) {
    }
}
