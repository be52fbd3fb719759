package io.sluice.protocol.admin;

import io.sluice.metadata.MetadataImage;
import io.sluice.quorum.MetadataService;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateTopicsRequest;

/**
 * CreateTopics v2-7. Every topic is created independently through the controller; the response is
 * sent once all of them have finished. From v5 a created (or validated) topic reports its partition
 * count, replication factor and effective configs, from v7 its id.
 */
public final class CreateTopicsHandler implements ApiHandler<CreateTopicsRequest> {
    private final MetadataService metadata;
    private final TopicConfigView topicConfigs;
    private final int defaultPartitions;
    private final short defaultReplicationFactor;

    CreateTopicsHandler(MetadataService metadata, TopicConfigView topicConfigs, int defaultPartitions,
                        short defaultReplicationFactor) {
        this.metadata = metadata;
        this.topicConfigs = topicConfigs;
        this.defaultPartitions = defaultPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
    }

    /** What the controller is asked to create for one topic; {@code assignment} null lets it place replicas. */
    private record Plan(int partitions, short replicationFactor, Map<String, String> configs,
                        List<List<Integer>> assignment) {
    }

    @Override
    public CompletableFuture<CreateTopicsResponseData> handle(RequestContext context, CreateTopicsRequest request) {
        short version = context.apiVersion();
        boolean validateOnly = request.data().validateOnly();
        Set<String> duplicates = duplicateNames(request.data().topics());
        Set<String> answeredDuplicates = new HashSet<>();
        MetadataImage image = metadata.image();
        List<CompletableFuture<CreatableTopicResult>> results = new ArrayList<>();
        for (CreatableTopic topic : request.data().topics()) {
            if (duplicates.contains(topic.name())) {
                if (answeredDuplicates.add(topic.name())) {
                    results.add(CompletableFuture.completedFuture(
                            failed(topic.name(), new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."))));
                }
                continue;
            }
            results.add(create(topic, validateOnly, version, image));
        }
        return Futures.all(results).thenApply(list -> {
            CreateTopicsResponseData response = new CreateTopicsResponseData();
            list.forEach(result -> response.topics().add(result));
            return response;
        });
    }

    private static Set<String> duplicateNames(Iterable<CreatableTopic> topics) {
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatableTopic topic : topics) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        return duplicates;
    }

    private CompletableFuture<CreatableTopicResult> create(CreatableTopic topic, boolean validateOnly, short version,
                                                           MetadataImage image) {
        String name = topic.name();
        try {
            Plan plan = plan(topic, image);
            CompletableFuture<Uuid> creation = plan.assignment() == null
                    ? metadata.controller().createTopic(name, plan.partitions(), plan.replicationFactor(),
                            plan.configs(), validateOnly)
                    : metadata.controller().createTopicWithAssignment(name, plan.assignment(), plan.configs(),
                            validateOnly);
            return creation.handle((id, error) -> error != null
                            ? failed(name, AdminErrors.of(error, "CreateTopics " + name))
                            : created(name, id, plan, version));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failed(name, AdminErrors.of(e, "CreateTopics " + name)));
        }
    }

    private Plan plan(CreatableTopic topic, MetadataImage image) {
        Map<String, String> configs = new LinkedHashMap<>();
        for (CreatableTopicConfig config : topic.configs()) {
            configs.put(config.name(), config.value());
        }
        if (topic.assignments().isEmpty()) {
            int partitions = topic.numPartitions() == -1 ? defaultPartitions : topic.numPartitions();
            short replicationFactor = topic.replicationFactor() == -1
                    ? defaultReplicationFactor : topic.replicationFactor();
            return new Plan(partitions, replicationFactor, configs, null);
        }
        if (topic.numPartitions() != -1) {
            throw new InvalidRequestException(
                    "A manual partition assignment was specified, but numPartitions was not set to -1.");
        }
        if (topic.replicationFactor() != -1) {
            throw new InvalidRequestException(
                    "A manual partition assignment was specified, but replicationFactor was not set to -1.");
        }
        Map<Integer, List<Integer>> byPartition = new TreeMap<>();
        for (CreatableReplicaAssignment assignment : topic.assignments()) {
            if (byPartition.put(assignment.partitionIndex(), assignment.brokerIds()) != null) {
                throw new InvalidReplicaAssignmentException("Found multiple manual partition assignments for partition "
                        + assignment.partitionIndex());
            }
        }
        for (int i = 0; i < byPartition.size(); i++) {
            if (!byPartition.containsKey(i)) {
                throw new InvalidReplicaAssignmentException("partitions should be a consecutive 0-based integer sequence");
            }
        }
        List<List<Integer>> replicas = new ArrayList<>(byPartition.values());
        ReplicaAssignments.validate(replicas, -1, image);
        return new Plan(replicas.size(), (short) replicas.get(0).size(), configs, replicas);
    }

    private static CreatableTopicResult failed(String name, ApiError error) {
        return new CreatableTopicResult().setName(name).setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }

    private CreatableTopicResult created(String name, Uuid id, Plan plan, short version) {
        CreatableTopicResult result = new CreatableTopicResult().setName(name).setErrorCode(Errors.NONE.code())
                .setErrorMessage(null);
        if (version >= 7 && id != null) {
            result.setTopicId(id);
        }
        if (version >= 5) {
            result.setNumPartitions(plan.partitions()).setReplicationFactor(plan.replicationFactor());
            try {
                List<CreatableTopicConfigs> configs = new ArrayList<>();
                for (TopicConfigView.Entry entry : topicConfigs.describe(withoutNulls(plan.configs()))) {
                    configs.add(new CreatableTopicConfigs().setName(entry.name()).setValue(entry.value())
                            .setReadOnly(false).setConfigSource(entry.source().id()).setIsSensitive(false));
                }
                result.setConfigs(configs);
            } catch (RuntimeException e) {
                // The topic exists; only its config listing failed, which v5+ reports separately.
                result.setTopicConfigErrorCode(AdminErrors.of(e, "configs of new topic " + name).error().code());
            }
        }
        return result;
    }

    private static Map<String, String> withoutNulls(Map<String, String> configs) {
        Map<String, String> result = new LinkedHashMap<>();
        configs.forEach((key, value) -> {
            if (value != null) {
                result.put(key, value);
            }
        });
        return result;
    }
}
