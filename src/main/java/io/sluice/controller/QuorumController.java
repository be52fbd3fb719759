package io.sluice.controller;

import static io.sluice.util.Futures.unwrap;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The controller of the metadata quorum: validates admin operations against the latest local image and proposes
 * record batches; on the Raft leader it is also the active controller ({@link #activate(long)}). The decisions are
 * made by its parts: {@link ClusterControl} (brokers, sessions, fencing), {@link TopicControl} (topics and configs)
 * and {@link PartitionControl} (ISR, elections, reassignment). What stays here is the operation queue: operations
 * run one after another (each starts once the previous one is applied or failed), so every validation sees the
 * effects of all earlier operations; the state machine re-checks each batch's expectations (and the term of the
 * active controller's own decisions), which covers stale and deposed proposals.
 *
 * <p>Threading: any thread may submit; {@link #serially} orders the operations under this object's monitor, held
 * only to link an operation to the tail of the queue.
 */
public final class QuorumController implements Controller {
    /** How often a proposal computed from a lagging image is recomputed after the log rejected it as stale. */
    private static final int STALE_IMAGE_RETRIES = 5;
    /** Kafka's broker.session.timeout.ms default. */
    public static final long DEFAULT_SESSION_TIMEOUT_MS = 9_000L;

    private final ClusterControl cluster;
    private final TopicControl topics;
    private final PartitionControl partitions;
    private final GroupConfigControl groupConfigs;
    /** The last operation queued; the next one starts when it is done. */
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    /**
     * @param topicConfigValidator throws InvalidConfigurationException for invalid topic overrides
     *                             (the broker passes LogConfig::validate)
     */
    public QuorumController(Supplier<MetadataImage> image, RecordProposer proposer, int defaultNumPartitions,
                            short defaultReplicationFactor, Consumer<Map<String, String>> topicConfigValidator) {
        this(image, proposer, defaultNumPartitions, defaultReplicationFactor, topicConfigValidator, Uuid::randomUuid);
    }

    QuorumController(Supplier<MetadataImage> image, RecordProposer proposer, int defaultNumPartitions,
                     short defaultReplicationFactor, Consumer<Map<String, String>> topicConfigValidator,
                     Supplier<Uuid> topicIds) {
        this(image, proposer, defaultNumPartitions, defaultReplicationFactor, topicConfigValidator, topicIds,
                QuorumController::monotonicMs, DEFAULT_SESSION_TIMEOUT_MS, false);
    }

    /**
     * @param clockMs                      a monotonic millisecond clock (tests inject a manual one)
     * @param sessionTimeoutMs             broker.session.timeout.ms
     * @param uncleanLeaderElectionDefault unclean.leader.election.enable of the broker, used unless a topic overrides it
     */
    public QuorumController(Supplier<MetadataImage> image, RecordProposer proposer, int defaultNumPartitions,
                            short defaultReplicationFactor, Consumer<Map<String, String>> topicConfigValidator,
                            LongSupplier clockMs, long sessionTimeoutMs, boolean uncleanLeaderElectionDefault) {
        this(image, proposer, defaultNumPartitions, defaultReplicationFactor, topicConfigValidator, Uuid::randomUuid,
                clockMs, sessionTimeoutMs, uncleanLeaderElectionDefault);
    }

    QuorumController(Supplier<MetadataImage> image, RecordProposer proposer, int defaultNumPartitions,
                     short defaultReplicationFactor, Consumer<Map<String, String>> topicConfigValidator,
                     Supplier<Uuid> topicIds, LongSupplier clockMs, long sessionTimeoutMs,
                     boolean uncleanLeaderElectionDefault) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(proposer, "proposer");
        ControllerQueue queue = new ControllerQueue() {
            @Override
            public <T> CompletableFuture<T> serially(Supplier<CompletableFuture<T>> operation) {
                return QuorumController.this.serially(operation);
            }

            @Override
            public <T> CompletableFuture<T> retrying(Supplier<CompletableFuture<T>> operation,
                                                     Class<? extends Throwable> staleSignal) {
                return QuorumController.this.retrying(operation, staleSignal);
            }
        };
        this.cluster = new ClusterControl(image, proposer, queue, Objects.requireNonNull(clockMs, "clockMs"),
                sessionTimeoutMs, uncleanLeaderElectionDefault);
        this.topics = new TopicControl(image, proposer, queue, defaultNumPartitions, defaultReplicationFactor,
                Objects.requireNonNull(topicConfigValidator, "topicConfigValidator"),
                Objects.requireNonNull(topicIds, "topicIds"));
        this.partitions = new PartitionControl(image, proposer, queue, cluster::activeTerm);
        this.groupConfigs = new GroupConfigControl(image, proposer, queue);
    }

    private static long monotonicMs() {
        return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** With validateOnly the future completes with {@link Uuid#ZERO_UUID}: no id is reserved. */
    @Override
    public CompletableFuture<Uuid> createTopic(String name, int numPartitions, short replicationFactor,
                                               Map<String, String> configs, boolean validateOnly) {
        return topics.createTopic(name, numPartitions, replicationFactor, configs, validateOnly);
    }

    /**
     * Creates a topic whose partition i has exactly the replicas {@code assignment.get(i)} (Kafka's manual
     * assignment); see {@link ManualAssignment} for the rules and the initial leader and ISR.
     */
    @Override
    public CompletableFuture<Uuid> createTopicWithAssignment(String name, List<List<Integer>> assignment,
                                                             Map<String, String> configs, boolean validateOnly) {
        return topics.createTopicWithAssignment(name, assignment, configs, validateOnly);
    }

    @Override
    public CompletableFuture<Void> deleteTopic(String name) {
        return topics.deleteTopic(name);
    }

    @Override
    public CompletableFuture<Void> createPartitions(String topicName, int newTotalCount, boolean validateOnly) {
        return topics.createPartitions(topicName, newTotalCount, validateOnly);
    }

    /**
     * Adds partitions with exactly the replicas given, one list per new partition; each list must have the topic's
     * replication factor (that of its first partition).
     */
    @Override
    public CompletableFuture<Void> createPartitionsWithAssignment(String topicName, int newTotalCount,
                                                                  List<List<Integer>> newAssignment,
                                                                  boolean validateOnly) {
        return topics.createPartitionsWithAssignment(topicName, newTotalCount, newAssignment, validateOnly);
    }

    @Override
    public CompletableFuture<Void> alterTopicConfigs(String topicName, Map<String, String> changes, boolean incremental,
                                                     boolean validateOnly) {
        return topics.alterTopicConfigs(topicName, changes, incremental, validateOnly);
    }

    @Override
    public CompletableFuture<Void> alterGroupConfigs(String groupId, Map<String, String> changes, boolean incremental,
                                                     boolean validateOnly) {
        return groupConfigs.alterGroupConfigs(groupId, changes, incremental, validateOnly);
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        return cluster.allocateProducerIds(brokerId, blockSize);
    }

    @Override
    public CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack) {
        return cluster.registerBroker(brokerId, host, port, rack);
    }

    @Override
    public CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack,
                                                  Uuid incarnationId) {
        return cluster.registerBroker(brokerId, host, port, rack, incarnationId);
    }

    /** This node became the active controller in {@code term}: every registered broker's session starts now. */
    public void activate(long term) {
        cluster.activate(term);
    }

    /** This node is no longer the active controller: forget sessions, stop deciding. */
    public void resign() {
        cluster.resign();
    }

    public boolean isActive() {
        return cluster.isActive();
    }

    /** The Raft term this node is active controller in, -1 when it is not. */
    public long activeTerm() {
        return cluster.activeTerm();
    }

    @Override
    public CompletableFuture<Errors> brokerHeartbeat(int brokerId, Uuid incarnationId) {
        return cluster.brokerHeartbeat(brokerId, incarnationId);
    }

    /**
     * Fences every unfenced broker whose session lapsed, moving its leaderships away; the active controller calls
     * this periodically. Completes with the ids fenced (empty when not active).
     */
    public CompletableFuture<List<Integer>> fenceExpiredBrokers() {
        return cluster.fenceExpiredBrokers();
    }

    @Override
    public CompletableFuture<Void> controlledShutdown(int brokerId) {
        return cluster.controlledShutdown(brokerId);
    }

    @Override
    public CompletableFuture<PartitionImage> alterPartition(AlterPartitionRequest request) {
        return partitions.alterPartition(request);
    }

    @Override
    public CompletableFuture<Map<TopicPartition, ApiError>> electLeaders(ElectionType type,
                                                                         Set<TopicPartition> partitions) {
        return this.partitions.electLeaders(type, partitions);
    }

    @Override
    public CompletableFuture<Map<TopicPartition, ApiError>> alterPartitionReassignments(
            Map<TopicPartition, Optional<List<Integer>>> targets, boolean allowReplicationFactorChange) {
        return partitions.alterPartitionReassignments(targets, allowReplicationFactorChange);
    }


    private <T> CompletableFuture<T> retrying(Supplier<CompletableFuture<T>> operation,
                                              Class<? extends Throwable> staleSignal) {
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(operation, staleSignal, result, 1);
        return result;
    }

    private <T> void attempt(Supplier<CompletableFuture<T>> operation, Class<? extends Throwable> staleSignal,
                             CompletableFuture<T> result, int attempt) {
        serially(operation).whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else if (staleSignal.isInstance(error) && attempt < STALE_IMAGE_RETRIES) {
                CompletableFuture.delayedExecutor(20L * attempt, java.util.concurrent.TimeUnit.MILLISECONDS)
                        .execute(() -> attempt(operation, staleSignal, result, attempt + 1));
            } else {
                result.completeExceptionally(error);
            }
        });
    }

    /**
     * Runs {@code operation} after every earlier operation has finished, whatever their outcome. The returned
     * future fails with the bare ApiException (not a CompletionException) so callers can map it to an error code.
     */
    private synchronized <T> CompletableFuture<T> serially(Supplier<CompletableFuture<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        tail.whenComplete((ignored, error) -> run(operation, result));
        tail = result;
        return result;
    }

    private static <T> void run(Supplier<CompletableFuture<T>> operation, CompletableFuture<T> result) {
        try {
            operation.get().whenComplete((value, error) -> {
                if (error == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(unwrap(error));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}
