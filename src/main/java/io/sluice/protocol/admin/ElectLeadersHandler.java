package io.sluice.protocol.admin;

import io.sluice.quorum.MetadataService;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ElectLeadersRequestData.TopicPartitions;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ElectLeadersRequest;

/**
 * ElectLeaders v0-2: preferred (v0 always) or unclean elections through the controller. A null partition list means
 * every partition, and then only the partitions an election was attempted for are reported.
 */
public final class ElectLeadersHandler implements ApiHandler<ElectLeadersRequest> {
    private final MetadataService metadata;

    ElectLeadersHandler(MetadataService metadata) {
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<ElectLeadersResponseData> handle(RequestContext context, ElectLeadersRequest request) {
        ElectionType type;
        try {
            type = context.apiVersion() == 0 ? ElectionType.PREFERRED
                    : ElectionType.valueOf(request.data().electionType());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new ElectLeadersResponseData()
                    .setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        Set<TopicPartition> partitions = requested(request);
        return metadata.controller().electLeaders(type, partitions).handle((results, error) -> {
            if (error == null) {
                return response(results);
            }
            ApiError failure = AdminErrors.of(error, "ElectLeaders");
            if (partitions == null) {
                return new ElectLeadersResponseData().setErrorCode(failure.error().code());
            }
            Map<TopicPartition, ApiError> failed = new LinkedHashMap<>();
            partitions.forEach(tp -> failed.put(tp, failure));
            return response(failed);
        });
    }

    private static Set<TopicPartition> requested(ElectLeadersRequest request) {
        if (request.data().topicPartitions() == null) {
            return null;
        }
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        for (TopicPartitions topic : request.data().topicPartitions()) {
            topic.partitions().forEach(p -> partitions.add(new TopicPartition(topic.topic(), p)));
        }
        return partitions;
    }

    private static ElectLeadersResponseData response(Map<TopicPartition, ApiError> results) {
        Map<String, ReplicaElectionResult> byTopic = new LinkedHashMap<>();
        results.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(),
                        t -> new ReplicaElectionResult().setTopic(t)).partitionResult()
                .add(new PartitionResult().setPartitionId(tp.partition()).setErrorCode(error.error().code())
                        .setErrorMessage(error.message())));
        ElectLeadersResponseData response = new ElectLeadersResponseData().setErrorCode(Errors.NONE.code());
        response.replicaElectionResults().addAll(byTopic.values());
        return response;
    }
}
