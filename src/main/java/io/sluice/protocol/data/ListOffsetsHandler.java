package io.sluice.protocol.data;

import io.sluice.broker.PartitionManager;
import io.sluice.log.Log;
import io.sluice.log.TimestampOffset;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataService;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
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

/** ListOffsets: earliest, latest, max-timestamp and first offset at or after a timestamp. */
public final class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest> {
    private final MetadataService metadata;
    private final PartitionManager partitions;

    public ListOffsetsHandler(MetadataService metadata, PartitionManager partitions) {
        this.metadata = metadata;
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<ListOffsetsResponseData> handle(RequestContext context, ListOffsetsRequest request) {
        MetadataImage image = metadata.image();
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsTopic topic : request.data().topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsPartition partition : topic.partitions()) {
                topicResponse.partitions().add(lookUp(image, new TopicPartition(topic.name(), partition.partitionIndex()),
                        partition.timestamp(), context.apiVersion() >= 4));
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private ListOffsetsPartitionResponse lookUp(MetadataImage image, TopicPartition tp, long timestamp,
                                                boolean withLeaderEpoch) {
        ListOffsetsPartitionResponse result = new ListOffsetsPartitionResponse().setPartitionIndex(tp.partition());
        try {
            Log log = partitions.leaderLog(image, tp);
            int leaderEpoch = image.topicsByName().get(tp.topic()).partitions().get(tp.partition()).leaderEpoch();
            TimestampOffset found = timestamp == ListOffsetsRequest.LATEST_TIMESTAMP
                    // Consumers see the log up to the high watermark (the log end unless replicated).
                    ? new TimestampOffset(RecordBatch.NO_TIMESTAMP, partitions.replication().highWatermark(tp, log))
                    : find(log, timestamp);
            return result.setTimestamp(found == null ? RecordBatch.NO_TIMESTAMP : found.timestamp())
                    .setOffset(found == null ? -1 : found.offset())
                    .setLeaderEpoch(found == null || !withLeaderEpoch ? -1 : leaderEpoch);
        } catch (ApiException e) {
            return result.setErrorCode(Errors.forException(e).code()).setTimestamp(RecordBatch.NO_TIMESTAMP).setOffset(-1);
        }
    }

    private static TimestampOffset find(Log log, long timestamp) {
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            return new TimestampOffset(RecordBatch.NO_TIMESTAMP, log.logEndOffset());
        }
        if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            return new TimestampOffset(RecordBatch.NO_TIMESTAMP, log.logStartOffset());
        }
        if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            return log.maxTimestamp();
        }
        if (timestamp < 0) {
            return null;
        }
        return log.offsetForTimestamp(timestamp);
    }
}
