package io.sluice.protocol.txn;

import io.sluice.coordinator.TxnMarker;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.transaction.TransactionMarkerSender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;

/**
 * WriteTxnMarkers v1, from a transaction coordinator on another node: writes each marker to each of its partitions
 * led here and answers per partition once the in-sync replicas hold it (NOT_LEADER_OR_FOLLOWER and the like make the
 * coordinator find the leader and retry).
 */
public final class WriteTxnMarkersHandler implements ApiHandler<WriteTxnMarkersRequest> {
    private final TransactionMarkerSender.LocalMarkerWriter markers;

    public WriteTxnMarkersHandler(TransactionMarkerSender.LocalMarkerWriter markers) {
        this.markers = markers;
    }

    @Override
    public CompletableFuture<WriteTxnMarkersResponseData> handle(RequestContext context, WriteTxnMarkersRequest request) {
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (WritableTxnMarker requested : request.data().markers()) {
            TxnMarker marker = new TxnMarker(requested.producerId(), requested.producerEpoch(),
                    requested.coordinatorEpoch(), requested.transactionResult());
            WritableTxnMarkerResult result = new WritableTxnMarkerResult().setProducerId(requested.producerId());
            for (WritableTxnMarkerTopic topic : requested.topics()) {
                WritableTxnMarkerTopicResult topicResult = new WritableTxnMarkerTopicResult().setName(topic.name());
                for (int partition : topic.partitionIndexes()) {
                    WritableTxnMarkerPartitionResult partitionResult = new WritableTxnMarkerPartitionResult()
                            .setPartitionIndex(partition);
                    topicResult.partitions().add(partitionResult);
                    writes.add(markers.write(new TopicPartition(topic.name(), partition), marker)
                            .thenAccept(error -> partitionResult.setErrorCode(error.code())));
                }
                result.topics().add(topicResult);
            }
            response.markers().add(result);
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }
}
