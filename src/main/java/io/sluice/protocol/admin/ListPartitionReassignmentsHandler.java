package io.sluice.protocol.admin;

import io.sluice.metadata.MetadataImage;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;

/**
 * ListPartitionReassignments v0, answered from the local image: the partitions with a reassignment in progress
 * (all of them for a null topic list), with the replica set and the adding and removing replicas. As in Kafka,
 * unknown topics and partitions, and partitions not being reassigned, are simply left out.
 */
public final class ListPartitionReassignmentsHandler implements ApiHandler<ListPartitionReassignmentsRequest> {
    private final MetadataService metadata;

    ListPartitionReassignmentsHandler(MetadataService metadata) {
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<ListPartitionReassignmentsResponseData> handle(
            RequestContext context, ListPartitionReassignmentsRequest request) {
        MetadataImage image = metadata.image();
        ListPartitionReassignmentsResponseData response = new ListPartitionReassignmentsResponseData()
                .setErrorCode(Errors.NONE.code()).setErrorMessage(null);
        if (request.data().topics() == null) {
            for (TopicImage topic : new TreeMap<>(image.topicsByName()).values()) {
                addOngoing(response, topic, topic.partitions().keySet());
            }
        } else {
            for (ListPartitionReassignmentsTopics requested : request.data().topics()) {
                TopicImage topic = image.topic(requested.name());
                if (topic != null) {
                    addOngoing(response, topic, requested.partitionIndexes());
                }
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private static void addOngoing(ListPartitionReassignmentsResponseData response, TopicImage topic,
                                   Collection<Integer> partitions) {
        OngoingTopicReassignment ongoing = new OngoingTopicReassignment().setName(topic.name());
        for (int index : partitions) {
            PartitionImage partition = topic.partitions().get(index);
            if (partition != null && partition.reassigning()) {
                ongoing.partitions().add(new OngoingPartitionReassignment().setPartitionIndex(index)
                        .setReplicas(new ArrayList<>(partition.replicas()))
                        .setAddingReplicas(new ArrayList<>(partition.addingReplicas()))
                        .setRemovingReplicas(new ArrayList<>(partition.removingReplicas())));
            }
        }
        if (!ongoing.partitions().isEmpty()) {
            response.topics().add(ongoing);
        }
    }
}
