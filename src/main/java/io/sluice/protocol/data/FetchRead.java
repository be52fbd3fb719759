package io.sluice.protocol.data;

import io.sluice.broker.PartitionManager;
import io.sluice.log.Log;
import io.sluice.log.LogReadInfo;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.network.FileSliceRecords;
import io.sluice.replication.Replication;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
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
                    int size = readPartition(image, new TopicPartition(name, fetch.partition()), fetch,
                            Math.min(remaining, fetch.partitionMaxBytes()), bytes == 0, data);
                    remaining -= size;
                    bytes += size;
                    errors |= data.errorCode() != Errors.NONE.code();
                }
                topicResponse.partitions().add(data);
            }
            response.responses().add(topicResponse);
        }
        followerFetchRecorded = true;
        return new Result(response, bytes, errors);
    }

    private int readPartition(MetadataImage image, TopicPartition tp, FetchPartition fetch, int maxBytes,
                              boolean minOneBatch, PartitionData data) {
        Log log = null;
        try {
            log = partitions.leaderLog(image, tp);
            checkLeaderEpoch(image, tp, fetch.currentLeaderEpoch());
            if (replicaId >= 0 && divergedFromThisLog(tp, log, fetch, data)) {
                return 0;
            }
            Replication replication = partitions.replication();
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
     * A follower names the epoch of its last batch; when this log ends that epoch before the follower's fetch offset
     * (or never had it), the follower holds records no leader of that epoch kept, e.g. appended while it was a
     * deposed leader. The answer is the epoch and its end here (Kafka's DivergingEpoch) so it can truncate.
     */
    private boolean divergedFromThisLog(TopicPartition tp, Log log, FetchPartition fetch, PartitionData data) {
        if (fetch.lastFetchedEpoch() < 0 || fetch.fetchOffset() <= log.logStartOffset()) {
            return false;
        }
        Log.EpochEndOffset end = log.endOffsetForEpoch(fetch.lastFetchedEpoch());
        if (end.epoch() == fetch.lastFetchedEpoch() && end.endOffset() >= fetch.fetchOffset()) {
            return false;
        }
        data.divergingEpoch().setEpoch(end.epoch()).setEndOffset(end.endOffset());
        long highWatermark = partitions.replication().highWatermark(tp, log);
        data.setHighWatermark(highWatermark).setLastStableOffset(highWatermark).setLogStartOffset(log.logStartOffset())
                .setRecords(MemoryRecords.EMPTY);
        return true;
    }

    private static void checkLeaderEpoch(MetadataImage image, TopicPartition tp, int requestEpoch) {
        if (requestEpoch < 0) {
            return;
        }
        PartitionImage partition = image.topicsByName().get(tp.topic()).partitions().get(tp.partition());
        if (requestEpoch > partition.leaderEpoch()) {
            throw new UnknownLeaderEpochException("Leader epoch " + requestEpoch + " of " + tp + " is newer than ours");
        }
        if (requestEpoch < partition.leaderEpoch()) {
            throw new FencedLeaderEpochException("Leader epoch " + requestEpoch + " of " + tp + " is fenced");
        }
    }

    private String topicName(MetadataImage image, FetchTopic topic) {
        if (version < 13) {
            return image.topicsByName().containsKey(topic.topic()) ? topic.topic() : null;
        }
        TopicImage byId = image.topicsById().get(topic.topicId());
        return byId == null ? null : byId.name();
    }


    /** A built response, how many record bytes it carries and whether any partition failed. */
    record Result(FetchResponseData response, long bytes, boolean hasErrors) {
    }
}
