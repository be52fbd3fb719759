package io.sluice.controller;

import io.sluice.metadata.PartitionImage;
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
 * Validates admin changes against the current image and commits them to the metadata log.
 * Each method completes once the change is applied to the local image, or exceptionally with a
 * Kafka ApiException (TopicExistsException, InvalidTopicException, InvalidPartitionsException,
 * InvalidReplicationFactorException, InvalidConfigurationException, UnknownTopicOrPartitionException ...).
 * Futures fail with the bare ApiException (not wrapped in a CompletionException). Any node may call these:
 * a node that is not the active controller computes the change from its local image and the metadata quorum
 * relays it to the leader, whose apply re-checks every expectation (names, ids, partition epochs).
 * Implemented by {@link QuorumController}.
 *
 * <p>Cluster membership and partition leadership (used by the broker lifecycle, the replication layer and the
 * protocol handlers): {@link #registerBroker(int, String, int, String, Uuid)}, {@link #brokerHeartbeat},
 * {@link #controlledShutdown}, {@link #alterPartition}, {@link #electLeaders} and
 * {@link #alterPartitionReassignments}. Every method has a default that fails with
 * UnsupportedOperationException, so test doubles implement only what they use.
 */
public interface Controller {
    default CompletableFuture<Uuid> createTopic(String name, int numPartitions, short replicationFactor,
                                                Map<String, String> configs, boolean validateOnly) {
        return unsupported();
    }

    default CompletableFuture<Void> deleteTopic(String name) {
        return unsupported();
    }

    default CompletableFuture<Void> createPartitions(String topic, int newTotalCount, boolean validateOnly) {
        return unsupported();
    }

    /**
     * CreateTopics with a manual assignment: partition i gets exactly the replicas {@code assignment.get(i)}; the
     * live ones form its ISR and the first live one leads. Fails with InvalidReplicaAssignmentException for an
     * empty list, a broker named twice or not registered, lists of different sizes, or a partition without a live
     * replica; otherwise as {@link #createTopic}.
     */
    default CompletableFuture<Uuid> createTopicWithAssignment(String name, List<List<Integer>> assignment,
                                                              Map<String, String> configs, boolean validateOnly) {
        return unsupported();
    }

    /**
     * CreatePartitions with a manual assignment for each new partition (newTotalCount minus the current count of
     * them, each the size of the topic's replication factor); the rules of {@link #createTopicWithAssignment}.
     */
    default CompletableFuture<Void> createPartitionsWithAssignment(String topic, int newTotalCount,
                                                                   List<List<Integer>> newAssignment,
                                                                   boolean validateOnly) {
        return unsupported();
    }

    /** Replaces (incremental=false) or edits (null value = delete the key) a topic's config overrides. */
    default CompletableFuture<Void> alterTopicConfigs(String topic, Map<String, String> changes, boolean incremental,
                                                      boolean validateOnly) {
        return unsupported();
    }

    /** Replaces (incremental=false) or edits (null value = delete the key) a group's config overrides. */
    default CompletableFuture<Void> alterGroupConfigs(String groupId, Map<String, String> changes,
                                                      boolean incremental, boolean validateOnly) {
        return unsupported();
    }

    /** Reserves a block of producer ids for this broker; completes with the first id of the block. */
    default CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        return unsupported();
    }

    default CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack) {
        return unsupported();
    }

    /**
     * Registers a broker process (a new {@code incarnationId} per process start) and unfences it; offline
     * partitions it can lead get it as leader in the same change.
     */
    default CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack,
                                                   Uuid incarnationId) {
        return unsupported();
    }

    /**
     * A broker's liveness signal to the active controller; not written to the log. Completes with NONE,
     * NOT_CONTROLLER (ask the current leader), BROKER_ID_NOT_REGISTERED or STALE_BROKER_EPOCH (register again).
     * A fenced broker that heartbeats again is unfenced.
     */
    default CompletableFuture<Errors> brokerHeartbeat(int brokerId, Uuid incarnationId) {
        return unsupported();
    }

    /**
     * A broker about to stop cleanly: its leaderships move to other live ISR members, it leaves every ISR (the last
     * member stays, leaderless) and it is fenced until it registers again.
     */
    default CompletableFuture<Void> controlledShutdown(int brokerId) {
        return unsupported();
    }

    /**
     * Applies a partition leader's ISR change. Fails with FencedLeaderEpochException when the leader epoch is not
     * the current one, NotLeaderOrFollowerException when the requester does not lead the partition,
     * InvalidUpdateVersionException when the partition epoch is stale, IneligibleReplicaException for a fenced
     * or unregistered ISR member, InvalidRequestException for an ISR outside the replicas or without the leader,
     * UnknownTopicIdException / UnknownTopicOrPartitionException. Completes with the partition as now recorded.
     */
    default CompletableFuture<PartitionImage> alterPartition(AlterPartitionRequest request) {
        return unsupported();
    }

    /**
     * Kafka's ElectLeaders: PREFERRED makes the first replica leader when it is live and in the ISR; UNCLEAN
     * elects a leader for leaderless partitions, from the ISR first, else from any live replica. {@code partitions}
     * null means every partition; then only partitions where an election was attempted are reported.
     * Per-partition results use Kafka's errors (ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE,
     * ELIGIBLE_LEADERS_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION).
     */
    default CompletableFuture<Map<TopicPartition, ApiError>> electLeaders(ElectionType type,
                                                                          Set<TopicPartition> partitions) {
        return unsupported();
    }

    /**
     * Kafka's AlterPartitionReassignments. A present target starts moving the partition there (replacing any
     * reassignment in progress, which is first reverted); an empty one cancels the reassignment in progress.
     * Per-partition results use Kafka's errors: UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT (empty target,
     * a broker listed twice or not registered), NO_REASSIGNMENT_IN_PROGRESS (cancel without one) and
     * INVALID_REPLICATION_FACTOR (the target's size differs while {@code allowReplicationFactorChange} is false).
     * Completes once the changes are in the log; the copying itself continues in the background and ends when every
     * target replica has joined the ISR (see {@link #alterPartition}).
     */
    default CompletableFuture<Map<TopicPartition, ApiError>> alterPartitionReassignments(
            Map<TopicPartition, Optional<List<Integer>>> targets, boolean allowReplicationFactorChange) {
        return unsupported();
    }

    private static <T> CompletableFuture<T> unsupported() {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("Not supported by this controller"));
    }
}
