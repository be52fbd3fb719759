package io.sluice.protocol.admin;

import io.sluice.metadata.MetadataImage;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreatePartitionsRequest;

/**
 * CreatePartitions v0-3: raises topics' partition counts through the controller, each topic on
 * its own. Manual assignments for the new partitions are honoured, with the CreateTopics rules.
 */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {
    private final MetadataService metadata;

    CreatePartitionsHandler(MetadataService metadata) {
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<CreatePartitionsResponseData> handle(RequestContext context,
                                                                  CreatePartitionsRequest request) {
        boolean validateOnly = request.data().validateOnly();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatePartitionsTopic topic : request.data().topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        Set<String> answeredDuplicates = new HashSet<>();
        MetadataImage image = metadata.image();
        List<CompletableFuture<CreatePartitionsTopicResult>> results = new ArrayList<>();
        for (CreatePartitionsTopic topic : request.data().topics()) {
            if (duplicates.contains(topic.name())) {
                if (answeredDuplicates.add(topic.name())) {
                    results.add(CompletableFuture.completedFuture(
                            result(topic.name(), new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."))));
                }
                continue;
            }
            results.add(createPartitions(topic, validateOnly, image));
        }
        return Futures.all(results).thenApply(list -> {
            CreatePartitionsResponseData response = new CreatePartitionsResponseData();
            response.results().addAll(list);
            return response;
        });
    }

    private CompletableFuture<CreatePartitionsTopicResult> createPartitions(CreatePartitionsTopic topic,
                                                                            boolean validateOnly, MetadataImage image) {
        String name = topic.name();
        try {
            checkAssignments(topic, image);
            CompletableFuture<Void> growth = topic.assignments() == null
                    ? metadata.controller().createPartitions(name, topic.count(), validateOnly)
                    : metadata.controller().createPartitionsWithAssignment(name, topic.count(),
                            replicaLists(topic), validateOnly);
            return growth.handle((ignored, error) -> result(name, error == null ? ApiError.NONE : AdminErrors.of(error, "CreatePartitions " + name)));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(result(name, AdminErrors.of(e, "CreatePartitions " + name)));
        }
    }

    /** Only meaningful for an existing topic that grows; the controller reports every other case. */
    private static void checkAssignments(CreatePartitionsTopic topic, MetadataImage image) {
        TopicImage existing = image.topicsByName().get(topic.name());
        if (topic.assignments() == null || existing == null || topic.count() <= existing.partitions().size()) {
            return;
        }
        int additional = topic.count() - existing.partitions().size();
        if (topic.assignments().size() != additional) {
            throw new InvalidReplicaAssignmentException("Attempted to add " + additional
                    + " additional partition(s), but only " + topic.assignments().size() + " assignment(s) were specified.");
        }
        List<List<Integer>> replicas = replicaLists(topic);
        int replicationFactor = existing.partitions().isEmpty() ? -1
                : existing.partitions().values().iterator().next().replicas().size();
        ReplicaAssignments.validate(replicas, replicationFactor, image);
    }

    private static List<List<Integer>> replicaLists(CreatePartitionsTopic topic) {
        List<List<Integer>> replicas = new ArrayList<>(topic.assignments().size());
        for (CreatePartitionsAssignment assignment : topic.assignments()) {
            replicas.add(List.copyOf(assignment.brokerIds()));
        }
        return replicas;
    }

    private static CreatePartitionsTopicResult result(String name, ApiError error) {
        return new CreatePartitionsTopicResult().setName(name).setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}
