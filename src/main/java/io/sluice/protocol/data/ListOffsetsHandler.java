package io.sluice.protocol.data;

import io.sluice.log.TimestampOffset;
import io.sluice.partition.Partition;
import io.sluice.partition.PartitionLookup;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.requests.ListOffsetsRequest;

/** ListOffsets: earliest, latest (the high watermark), max-timestamp and first offset at or after a timestamp. */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {
    private final PartitionLookup partitions;

    public ListOffsetsHandler(PartitionLookup partitions) {
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<ListOffsetsResponseData> handle(RequestContext context, ListOffsetsRequest request) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        boolean readCommitted = request.data().isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        for (ListOffsetsTopic topic : request.data().topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsPartition partition : topic.partitions()) {
                topicResponse.partitions().add(lookUp(new TopicPartition(topic.name(), partition.partitionIndex()),
                        partition.timestamp(), partition.currentLeaderEpoch(), context.apiVersion() >= 4,
                        readCommitted));
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private ListOffsetsPartitionResponse lookUp(TopicPartition tp, long timestamp, int currentLeaderEpoch,
                                                boolean withLeaderEpoch, boolean readCommitted) {
        ListOffsetsPartitionResponse result = new ListOffsetsPartitionResponse().setPartitionIndex(tp.partition());
        try {
            Partition partition = partitions.partition(tp);
            TimestampOffset found = partition.offsetForTimestamp(timestamp, currentLeaderEpoch, readCommitted);
            return result.setTimestamp(found == null ? RecordBatch.NO_TIMESTAMP : found.timestamp())
                    .setOffset(found == null ? -1 : found.offset())
                    .setLeaderEpoch(found == null || !withLeaderEpoch ? -1 : partition.leaderEpoch());
        } catch (ApiException e) {
            return result.setErrorCode(Errors.forException(e).code()).setTimestamp(RecordBatch.NO_TIMESTAMP).setOffset(-1);
        }
    }
}
