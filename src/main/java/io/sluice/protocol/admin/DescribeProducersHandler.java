package io.sluice.protocol.admin;

import io.sluice.log.ProducerInfo;
import io.sluice.partition.PartitionLookup;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeProducersRequest;

/** DescribeProducers v0: the active idempotent producers of each requested partition led here. */
public final class DescribeProducersHandler implements ApiHandler<DescribeProducersRequest> {
    /** There is no transaction coordinator, so no producer has a coordinator epoch. */
    private static final int NO_COORDINATOR_EPOCH = -1;

    private final PartitionLookup partitions;

    DescribeProducersHandler(PartitionLookup partitions) {
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<DescribeProducersResponseData> handle(RequestContext context,
                                                                   DescribeProducersRequest request) {
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (TopicRequest topic : request.data().topics()) {
            TopicResponse topicResponse = new TopicResponse().setName(topic.name());
            for (int partition : topic.partitionIndexes()) {
                topicResponse.partitions().add(describe(new TopicPartition(topic.name(), partition)));
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(response);
    }

    private PartitionResponse describe(TopicPartition tp) {
        PartitionResponse response = new PartitionResponse().setPartitionIndex(tp.partition());
        try {
            List<ProducerInfo> producers = partitions.partition(tp).activeProducers();
            List<ProducerState> states = new ArrayList<>(producers.size());
            for (ProducerInfo producer : producers) {
                states.add(new ProducerState().setProducerId(producer.producerId())
                        .setProducerEpoch(producer.producerEpoch()).setLastSequence(producer.lastSequence())
                        .setLastTimestamp(producer.lastTimestamp()).setCoordinatorEpoch(NO_COORDINATOR_EPOCH)
                        .setCurrentTxnStartOffset(producer.currentTxnStartOffset())
                        .setCoordinatorEpoch(producer.coordinatorEpoch()));
            }
            return response.setErrorCode(Errors.NONE.code()).setActiveProducers(states);
        } catch (RuntimeException e) {
            ApiError error = AdminErrors.of(e, "DescribeProducers " + tp);
            return response.setErrorCode(error.error().code()).setErrorMessage(error.message());
        }
    }
}
