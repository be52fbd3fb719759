package io.sluice.protocol.data;

import io.sluice.log.EpochEndOffset;
import io.sluice.partition.PartitionLookup;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
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
    private final PartitionLookup partitions;

    public OffsetForLeaderEpochHandler(PartitionLookup partitions) {
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<OffsetForLeaderEpochResponseData> handle(RequestContext context,
                                                                     OffsetsForLeaderEpochRequest request) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic topic : request.data().topics()) {
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderPartition partition : topic.partitions()) {
                result.partitions().add(endOf(new TopicPartition(topic.topic(), partition.partition()),
                        partition.currentLeaderEpoch(), partition.leaderEpoch()));
            }
            response.topics().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private OffsetForLeaderEpochResponseData.EpochEndOffset endOf(TopicPartition tp,
                                                                  int currentLeaderEpoch, int requestedEpoch) {
        OffsetForLeaderEpochResponseData.EpochEndOffset result = new OffsetForLeaderEpochResponseData.EpochEndOffset()
                .setPartition(tp.partition());
        try {
            EpochEndOffset end = partitions.partition(tp).endOffsetForEpoch(currentLeaderEpoch, requestedEpoch);
            return result.setLeaderEpoch(end.epoch()).setEndOffset(end.endOffset());
        } catch (ApiException e) {
            return result.setErrorCode(Errors.forException(e).code())
                    .setLeaderEpoch(EpochEndOffset.UNDEFINED_EPOCH)
                    .setEndOffset(EpochEndOffset.UNDEFINED_OFFSET);
        }
    }
}
