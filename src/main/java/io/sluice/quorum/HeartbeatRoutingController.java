package io.sluice.quorum;

import io.sluice.metadata.PartitionImage;
import io.sluice.controller.AlterPartitionRequest;
import io.sluice.controller.Controller;
import io.sluice.controller.QuorumController;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The controller a node hands out: every change goes to the local {@link QuorumController} (the log relays it
 * to the leader), while heartbeats, which only the active controller can judge, are sent to the leader unless
 * this node is the active controller itself.
 */
final class HeartbeatRoutingController implements Controller {
    /** Sends a heartbeat to the current leader. */
    @FunctionalInterface
    interface HeartbeatSender {
        CompletableFuture<Errors> send(int brokerId, Uuid incarnationId);
    }

    private final QuorumController local;
    private final HeartbeatSender remote;

    HeartbeatRoutingController(QuorumController local, HeartbeatSender remote) {
        this.local = local;
        this.remote = remote;
    }

    @Override
    public CompletableFuture<Errors> brokerHeartbeat(int brokerId, Uuid incarnationId) {
        return local.isActive() ? local.brokerHeartbeat(brokerId, incarnationId) : remote.send(brokerId, incarnationId);
    }

    @Override
    public CompletableFuture<Uuid> createTopic(String name, int numPartitions, short replicationFactor,
                                               Map<String, String> configs, boolean validateOnly) {
        return local.createTopic(name, numPartitions, replicationFactor, configs, validateOnly);
    }

    @Override
    public CompletableFuture<Uuid> createTopicWithAssignment(String name, List<List<Integer>> assignment,
                                                             Map<String, String> configs, boolean validateOnly) {
        return local.createTopicWithAssignment(name, assignment, configs, validateOnly);
    }

    @Override
    public CompletableFuture<Void> createPartitionsWithAssignment(String topic, int newTotalCount,
                                                                  List<List<Integer>> newAssignment,
                                                                  boolean validateOnly) {
        return local.createPartitionsWithAssignment(topic, newTotalCount, newAssignment, validateOnly);
    }

    @Override
    public CompletableFuture<Void> deleteTopic(String name) {
        return local.deleteTopic(name);
    }

    @Override
    public CompletableFuture<Void> createPartitions(String topic, int newTotalCount, boolean validateOnly) {
        return local.createPartitions(topic, newTotalCount, validateOnly);
    }

    @Override
    public CompletableFuture<Void> alterTopicConfigs(String topic, Map<String, String> changes, boolean incremental,
                                                     boolean validateOnly) {
        return local.alterTopicConfigs(topic, changes, incremental, validateOnly);
    }

    @Override
    public CompletableFuture<Void> alterGroupConfigs(String groupId, Map<String, String> changes, boolean incremental,
                                                     boolean validateOnly) {
        return local.alterGroupConfigs(groupId, changes, incremental, validateOnly);
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        return local.allocateProducerIds(brokerId, blockSize);
    }

    @Override
    public CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack) {
        return local.registerBroker(brokerId, host, port, rack);
    }

    @Override
    public CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack,
                                                  Uuid incarnationId) {
        return local.registerBroker(brokerId, host, port, rack, incarnationId);
    }

    @Override
    public CompletableFuture<Void> controlledShutdown(int brokerId) {
        return local.controlledShutdown(brokerId);
    }

    @Override
    public CompletableFuture<PartitionImage> alterPartition(AlterPartitionRequest request) {
        return local.alterPartition(request);
    }

    @Override
    public CompletableFuture<Map<TopicPartition, ApiError>> electLeaders(ElectionType type,
                                                                         Set<TopicPartition> partitions) {
        return local.electLeaders(type, partitions);
    }

    @Override
    public CompletableFuture<Map<TopicPartition, ApiError>> alterPartitionReassignments(
            Map<TopicPartition, Optional<List<Integer>>> targets, boolean allowReplicationFactorChange) {
        return local.alterPartitionReassignments(targets, allowReplicationFactorChange);
    }
}
