package io.sluice.protocol.data;

import io.sluice.broker.PartitionManager;
import io.sluice.log.EpochEndOffset;
import io.sluice.log.Log;
import io.sluice.log.LogReadInfo;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import io.sluice.network.FileSliceRecords;
import io.sluice.replication.Replication;
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
    private final PartitionManager partitions;
    /** The fetching follower's node id, or negative for a consumer. */
    private final int replicaId;
    /** Follower fetch offsets are recorded on the first read only, not on long-poll re-reads. */
    private boolean followerFetchRecorded;

    FetchRead(FetchRequestData request, short version, PartitionManager partitions, int replicaId) {
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
                    int size = readPartition(image, tp, fetch, Math.min(remaining, fetch.partitionMaxBytes()),
                            bytes == 0, data);
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

    private int readPartition(MetadataImage image, TopicPartition tp, FetchPartition fetch, int maxBytes,
                              boolean minOneBatch, PartitionData data) {
        Log log = null;
        try {
            log = partitions.leaderLog(image, tp);
            checkLeaderEpoch(image, tp, fetch.currentLeaderEpoch());
            Replication replication = partitions.replication();
            if (fetch.lastFetchedEpoch() >= 0 && diverged(tp, log, fetch, data)) {
                return 0;
            }
            if (replicaId >= 0 && !followerFetchRecorded) {
                replication.onFollowerFetch(tp, replicaId, fetch.fetchOffset(), log);
            }
            long highWatermark = replication.highWatermark(tp, log);
            // Consumers read only what the ISR has; followers read up to the log end.
            long readLimit = replicaId >= 0 ? Long.MAX_VALUE : highWatermark;
            LogReadInfo info = log.read(fetch.fetchOffset(), Math.max(maxBytes, 0), minOneBatch, readLimit);
            long reported = Math.min(highWatermark, info.logEndOffset());
            data.setHighWatermark(reported)
                    .setLastStableOffset(reported)
                    .setLogStartOffset(info.logStartOffset())
                    .setRecords(new FileSliceRecords(info.slice()));
            return info.slice().size();
        } catch (ApiException e) {
            data.setErrorCode(Errors.forException(e).code()).setRecords(MemoryRecords.EMPTY);
            if (e instanceof OffsetOutOfRangeException && log != null) {
                long highWatermark = partitions.replication().highWatermark(tp, log);
                data.setHighWatermark(highWatermark).setLastStableOffset(highWatermark)
                        .setLogStartOffset(log.logStartOffset());
            }
            return 0;
        }
    }

    /**
     * KIP-320: the fetcher's last fetched epoch must end, here, at or after its fetch offset. When it does not, the
     * response carries no records but the largest epoch at or below it and where that ends here, for the fetcher to
     * truncate to; the fetch offset is then not the fetcher's real progress and is not recorded.
     */
    private boolean diverged(TopicPartition tp, Log log, FetchPartition fetch, PartitionData data) {
        EpochEndOffset end = log.endOffsetForEpoch(fetch.lastFetchedEpoch());
        if (end.isUndefined()) {
            throw new OffsetOutOfRangeException("Leader epoch " + fetch.lastFetchedEpoch() + " of " + tp
                    + " is newer than every epoch of the leader's log");
        }
        if (end.epoch() >= fetch.lastFetchedEpoch() && end.endOffset() >= fetch.fetchOffset()) {
            return false;
        }
        long highWatermark = partitions.replication().highWatermark(tp, log);
        data.setDivergingEpoch(new FetchResponseData.EpochEndOffset().setEpoch(end.epoch()).setEndOffset(end.endOffset()))
                .setHighWatermark(highWatermark)
                .setLastStableOffset(highWatermark)
                .setLogStartOffset(log.logStartOffset())
                .setRecords(MemoryRecords.EMPTY);
        return true;
    }

    private static void checkLeaderEpoch(MetadataImage image, TopicPartition tp, int requestEpoch) {
        CurrentLeaderEpoch.check(image.topicsByName().get(tp.topic()).partitions().get(tp.partition()), tp, requestEpoch);
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
