package io.sluice.protocol.admin;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataService;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
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
 * the high watermark) and reports the resulting low watermark. A partition's error leaves the
 * others unaffected.
 */
public final class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest> {
    private final MetadataService metadata;
    private final LeaderLogs logs;

    DeleteRecordsHandler(MetadataService metadata, LeaderLogs logs) {
        this.metadata = metadata;
        this.logs = logs;
    }

    @Override
    public CompletableFuture<DeleteRecordsResponseData> handle(RequestContext context, DeleteRecordsRequest request) {
        MetadataImage image = metadata.image();
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsTopic topic : request.data().topics()) {
            DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
            for (DeleteRecordsPartition partition : topic.partitions()) {
                topicResult.partitions().add(delete(image, new TopicPartition(topic.name(), partition.partitionIndex()),
                        partition.offset()));
            }
            response.topics().add(topicResult);
        }
        return CompletableFuture.completedFuture(response);
    }

    private DeleteRecordsPartitionResult delete(MetadataImage image, TopicPartition tp, long requested) {
        DeleteRecordsPartitionResult result = new DeleteRecordsPartitionResult().setPartitionIndex(tp.partition());
        try {
            LeaderLogs.LeaderLog log = logs.leaderLog(image, tp);
            long highWatermark = log.highWatermark();
            long offset = requested == DeleteRecordsRequest.HIGH_WATERMARK ? highWatermark : requested;
            if (offset < 0) {
                throw new OffsetOutOfRangeException("The offset " + offset + " for partition " + tp
                        + " should not be negative.");
            }
            if (offset > highWatermark) {
                throw new OffsetOutOfRangeException("Cannot increment the log start offset to " + offset + " of partition "
                        + tp + " since it is larger than the high watermark " + highWatermark);
            }
            return result.setLowWatermark(log.deleteRecordsBefore(offset)).setErrorCode(Errors.NONE.code());
        } catch (RuntimeException e) {
            return result.setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK)
                    .setErrorCode(AdminErrors.of(e, "DeleteRecords " + tp).error().code());
        }
    }
}
