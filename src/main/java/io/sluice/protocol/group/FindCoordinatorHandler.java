package io.sluice.protocol.group;

import io.sluice.coordinator.CoordinatorOwnership;
import io.sluice.group.offsets.OffsetsTopic;
import io.sluice.transaction.TransactionStateTopic;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator v0-6: a group's coordinator is the current leader of the __consumer_offsets partition the group
 * maps to, a transactional id's the leader of its __transaction_state partition, as in Kafka; until the topic exists,
 * or while the partition has no leader, there is none (COORDINATOR_NOT_AVAILABLE, which clients retry). As in Kafka,
 * the first lookup of a transactional id has __transaction_state created. Share groups are not served. v4+ answers a
 * batch of keys.
 */
public final class FindCoordinatorHandler implements ApiHandler<FindCoordinatorRequest> {
    private final MetadataService metadata;
    private final Runnable transactionTopicNeeded;

    /** @param transactionTopicNeeded has __transaction_state created (in the background) when it is missing */
    public FindCoordinatorHandler(MetadataService metadata, Runnable transactionTopicNeeded) {
        this.metadata = metadata;
        this.transactionTopicNeeded = transactionTopicNeeded;
    }

    @Override
    public CompletableFuture<FindCoordinatorResponseData> handle(RequestContext context, FindCoordinatorRequest request) {
        byte keyType = request.data().keyType();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (context.apiVersion() >= 4) {
            List<String> keys = request.data().coordinatorKeys();
            for (String key : keys) {
                response.coordinators().add(coordinatorFor(key, keyType));
            }
            return CompletableFuture.completedFuture(response);
        }
        Coordinator found = coordinatorFor(request.data().key(), keyType);
        response.setErrorCode(found.errorCode()).setNodeId(found.nodeId()).setHost(found.host()).setPort(found.port());
        if (context.apiVersion() >= 1) {
            response.setErrorMessage(found.errorMessage());
        }
        return CompletableFuture.completedFuture(response);
    }

    private Coordinator coordinatorFor(String key, byte keyType) {
        Coordinator coordinator = new Coordinator().setKey(key);
        boolean transaction = keyType == CoordinatorType.TRANSACTION.id();
        if (keyType != CoordinatorType.GROUP.id() && !transaction) {
            boolean known = keyType == CoordinatorType.SHARE.id();
            return failed(coordinator, known ? Errors.COORDINATOR_NOT_AVAILABLE : Errors.INVALID_REQUEST,
                    known ? "This broker does not coordinate " + CoordinatorType.forId(keyType) + " keys"
                            : "Unknown coordinator key type " + keyType);
        }
        if (transaction && (key == null || key.isEmpty())) {
            return failed(coordinator, Errors.INVALID_REQUEST, "A transactional id must not be empty");
        }
        String topicName = transaction ? TransactionStateTopic.NAME : OffsetsTopic.NAME;
        MetadataImage image = metadata.image();
        TopicImage topic = image.topic(topicName);
        if (topic == null || topic.partitions().isEmpty()) {
            if (transaction) {
                transactionTopicNeeded.run();
            }
            return failed(coordinator, Errors.COORDINATOR_NOT_AVAILABLE, topicName + " does not exist yet");
        }
        PartitionImage partition = topic.partitions().get(
                CoordinatorOwnership.partitionFor(key, topic.partitions().size()));
        BrokerImage leader = partition == null ? null : image.brokers().get(partition.leader());
        if (leader == null) {
            return failed(coordinator, Errors.COORDINATOR_NOT_AVAILABLE, "The key's partition of " + topicName
                    + " has no leader");
        }
        return coordinator.setErrorCode(Errors.NONE.code()).setErrorMessage(null)
                .setNodeId(leader.id()).setHost(leader.host()).setPort(leader.port());
    }

    private static Coordinator failed(Coordinator coordinator, Errors error, String message) {
        return coordinator.setErrorCode(error.code()).setErrorMessage(message).setNodeId(-1).setHost("").setPort(-1);
    }
}
