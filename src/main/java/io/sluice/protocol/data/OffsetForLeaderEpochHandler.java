package io.sluice.protocol.data;

import io.sluice.log.EpochEndOffset;
import io.sluice.log.Log;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataService;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;

/**
 * OffsetsForLeaderEpoch (KIP-101, KIP-320): where a leader epoch ends in the log of a partition led here. A
 * consumer asks after a leader change to check that its position is still in the log; a follower may ask before
 * fetching. The answer is the largest epoch at or below the requested one and the offset where it ends (the log end
 * for the current epoch), or -1 and -1 when the log knows no such epoch. The current leader epoch in the request is
 * checked first, then leadership.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler<OffsetsForLeaderEpochRequest> {
    /** The log of a partition led here, or the Kafka error a client should see (as PartitionManager.leaderLog). */
    @FunctionalInterface
    public interface LeaderLogLookup {
        Log leaderLog(MetadataImage image, TopicPartition tp);
    }

    private final MetadataService metadata;
    private final LeaderLogLookup logs;

    public OffsetForLeaderEpochHandler(MetadataService metadata, LeaderLogLookup logs) {
        this.metadata = metadata;
        this.logs = logs;
    }

    @Override
    public CompletableFuture<OffsetForLeaderEpochResponseData> handle(RequestContext context,
                                                                     OffsetsForLeaderEpochRequest request) {
        MetadataImage image = metadata.image();
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic topic : request.data().topics()) {
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderPartition partition : topic.partitions()) {
                result.partitions().add(endOf(image, new TopicPartition(topic.topic(), partition.partition()),
                        partition.currentLeaderEpoch(), partition.leaderEpoch()));
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private OffsetForLeaderEpochResponseData.EpochEndOffset endOf(MetadataImage image, TopicPartition tp,
                                                                  int currentLeaderEpoch, int requestedEpoch) {
        OffsetForLeaderEpochResponseData.EpochEndOffset result = new OffsetForLeaderEpochResponseData.EpochEndOffset()
                .setPartition(tp.partition());
        try {
            TopicImage topic = image.topicsByName().get(tp.topic());
            PartitionImage partition = topic == null ? null : topic.partitions().get(tp.partition());
            if (partition == null) {
                throw new UnknownTopicOrPartitionException("This server does not host " + tp);
            }
            CurrentLeaderEpoch.check(partition, tp, currentLeaderEpoch);
            Log log = logs.leaderLog(image, tp);
            EpochEndOffset end = log.endOffsetForEpoch(requestedEpoch);
            return result.setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
        } catch (ApiException e) {
            return result.setErrorCode(Errors.forException(e).code())
                    .setLeaderEpoch(EpochEndOffset.UNDEFINED_EPOCH)
                    .setEndOffset(EpochEndOffset.UNDEFINED_OFFSET);
        }
    }
}
