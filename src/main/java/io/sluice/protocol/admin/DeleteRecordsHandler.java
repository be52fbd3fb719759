package io.sluice.protocol.admin;

import io.sluice.partition.PartitionLookup;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

/**
 * DeleteRecords v0-2: advances each partition's log start offset to the requested offset (-1 =
 * the high watermark; past it is OFFSET_OUT_OF_RANGE, {@link io.sluice.partition.Partition#deleteRecordsBefore}) and
 * reports the resulting low watermark. A partition's error leaves the others unaffected.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {
    private final PartitionLookup partitions;

    DeleteRecordsHandler(PartitionLookup partitions) {
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<DeleteRecordsResponseData> handle(RequestContext context, DeleteRecordsRequest request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsTopic topic : request.data().topics()) {
            DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
            for (DeleteRecordsPartition partition : topic.partitions()) {
                topicResult.partitions().add(delete(new TopicPartition(topic.name(), partition.partitionIndex()),
                        partition.offset()));
            }
            response.topics().add(topicResult);
        }
        return CompletableFuture.completedFuture(response);
    }

    private DeleteRecordsPartitionResult delete(TopicPartition tp, long requested) {
        DeleteRecordsPartitionResult result = new DeleteRecordsPartitionResult().setPartitionIndex(tp.partition());
        try {
            long lowWatermark = partitions.partition(tp).deleteRecordsBefore(requested);
            return result.setLowWatermark(lowWatermark).setErrorCode(Errors.NONE.code());
        } catch (RuntimeException e) {
            return result.setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK)
                    .setErrorCode(AdminErrors.of(e, "DeleteRecords " + tp).error().code());
        }
    }
}
