package io.sluice.protocol.admin;

import io.sluice.quorum.MetadataService;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterPartitionReassignments v0-1: starts (replicas given) or cancels (null replicas) partition reassignments
 * through the controller, answered per partition once the change is in the metadata log.
 */
public final class AlterPartitionReassignmentsHandler implements ApiHandler<AlterPartitionReassignmentsRequest> {
    private final MetadataService metadata;

    AlterPartitionReassignmentsHandler(MetadataService metadata) {
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<AlterPartitionReassignmentsResponseData> handle(
            RequestContext context, AlterPartitionReassignmentsRequest request) {
        Map<TopicPartition, Optional<List<Integer>>> targets = new LinkedHashMap<>();
        for (ReassignableTopic topic : request.data().topics()) {
            for (ReassignablePartition partition : topic.partitions()) {
                targets.put(new TopicPartition(topic.name(), partition.partitionIndex()),
                        Optional.ofNullable(partition.replicas()));
            }
        }
        boolean allowReplicationFactorChange = request.data().allowReplicationFactorChange();
        return metadata.controller().alterPartitionReassignments(targets, allowReplicationFactorChange)
                .handle((results, error) -> {
                    Map<TopicPartition, ApiError> answered = results;
                    if (error != null) {
                        ApiError failure = AdminErrors.of(error, "AlterPartitionReassignments");
                        answered = new LinkedHashMap<>();
                        for (TopicPartition tp : targets.keySet()) {
                            answered.put(tp, failure);
                        }
                    }
                    return response(answered, allowReplicationFactorChange);
                });
    }

    private static AlterPartitionReassignmentsResponseData response(Map<TopicPartition, ApiError> results,
                                                                    boolean allowReplicationFactorChange) {
        Map<String, ReassignableTopicResponse> byTopic = new LinkedHashMap<>();
        results.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(),
                        t -> new ReassignableTopicResponse().setName(t)).partitions()
                .add(new ReassignablePartitionResponse().setPartitionIndex(tp.partition())
                        .setErrorCode(error.error().code()).setErrorMessage(error.message())));
        AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                .setErrorCode(Errors.NONE.code()).setErrorMessage(null)
                .setAllowReplicationFactorChange(allowReplicationFactorChange);
        response.responses().addAll(byTopic.values());
        return response;
    }
}
