package io.sluice.protocol.data;

import io.sluice.util.Futures;
import io.sluice.controller.Controller;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;

/**
 * Metadata: brokers, controller and topic layouts from the local image. Unknown topics are created
 * when auto.create.topics.enable allows it; the response then already describes the new topic, so
 * the client needs no second round trip.
 */
public final class MetadataHandler implements ApiHandler<MetadataRequest> {
    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private final int nodeId;
    private final MetadataService metadata;
    private final boolean autoCreateTopics;

    public MetadataHandler(int nodeId, MetadataService metadata, boolean autoCreateTopics) {
        this.nodeId = nodeId;
        this.metadata = metadata;
        this.autoCreateTopics = autoCreateTopics;
    }

    /**
     * Whether the request names the topic by id (v10+): KIP-848 consumers look up the topics of their assignment so,
     * with no name (null, or the empty string the Java client sends).
     */
    private static boolean byId(MetadataRequestTopic topic) {
        return (topic.name() == null || topic.name().isEmpty()) && topic.topicId() != null
                && !Uuid.ZERO_UUID.equals(topic.topicId());
    }

    @Override
    public CompletableFuture<MetadataResponseData> handle(RequestContext context, MetadataRequest request) {
        List<MetadataRequestTopic> requested = request.data().topics();
        boolean allTopics = requested == null || (context.apiVersion() == 0 && requested.isEmpty());
        boolean mayCreate = autoCreateTopics && (context.apiVersion() < 4 || request.data().allowAutoTopicCreation());

        MetadataImage image = metadata.image();
        List<CompletableFuture<?>> creations = new ArrayList<>();
        Map<String, Errors> creationErrors = new ConcurrentHashMap<>();
        if (!allTopics && mayCreate) {
            Controller controller = metadata.controller();
            for (MetadataRequestTopic topic : requested) {
                String name = topic.name();
                if (byId(topic) || image.topicsByName().containsKey(name)) {
                    continue;
                }
                if (!Topic.isValid(name)) {
                    creationErrors.put(name, Errors.INVALID_TOPIC_EXCEPTION);
                    continue;
                }
                creations.add(controller.createTopic(name, -1, (short) -1, Map.of(), false)
                        .handle((id, error) -> {
                            Throwable cause = Futures.unwrap(error);
                            if (cause != null && !(cause instanceof TopicExistsException)) {
                                creationErrors.put(name, Errors.forException(cause));
                            }
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(creations.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> response(context.apiVersion(), requested, allTopics, creationErrors));
    }

    private MetadataResponseData response(short version, List<MetadataRequestTopic> requested, boolean allTopics,
                                          Map<String, Errors> creationErrors) {
        MetadataImage image = metadata.image();
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(image.clusterId())
                .setControllerId(metadata.controllerIdForClients(nodeId))
                .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        for (BrokerImage broker : image.brokers().values()) {
            if (!broker.fenced()) {
                response.brokers().add(new MetadataResponseBroker().setNodeId(broker.id())
                        .setHost(broker.host()).setPort(broker.port()).setRack(broker.rack()));
            }
        }
        if (allTopics) {
            image.topicsByName().values().forEach(topic -> response.topics().add(describe(topic)));
            return response;
        }
        for (MetadataRequestTopic wanted : requested) {
            boolean byId = byId(wanted);
            TopicImage topic = byId ? image.topicsById().get(wanted.topicId())
                    : image.topicsByName().get(wanted.name());
            if (topic != null) {
                response.topics().add(describe(topic));
            } else if (byId) {
                response.topics().add(new MetadataResponseTopic().setTopicId(wanted.topicId())
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
            } else {
                Errors error = creationErrors.getOrDefault(wanted.name(), Errors.UNKNOWN_TOPIC_OR_PARTITION);
                response.topics().add(new MetadataResponseTopic().setName(wanted.name())
                        .setErrorCode(error.code()).setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED));
            }
        }
        return response;
    }

    private static MetadataResponseTopic describe(TopicImage topic) {
        MetadataResponseTopic result = new MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id() == null ? Uuid.ZERO_UUID : topic.id())
                .setIsInternal(Topic.isInternal(topic.name()))
                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        for (PartitionImage partition : topic.partitions().values()) {
            result.partitions().add(new MetadataResponsePartition()
                    .setPartitionIndex(partition.partition())
                    .setLeaderId(partition.leader())
                    .setLeaderEpoch(partition.leaderEpoch())
                    .setReplicaNodes(partition.replicas())
                    .setIsrNodes(partition.isr())
                    .setErrorCode(partition.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code()));
        }
        return result;
    }
}
