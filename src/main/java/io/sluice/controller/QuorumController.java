package io.sluice.controller;

import static io.sluice.util.Futures.unwrap;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecord;
import io.sluice.metadata.MetadataRecord.BrokerFencing;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.RejectedBatchException;
import io.sluice.metadata.MetadataRecord.ConfigRecord;
import io.sluice.metadata.MetadataRecord.PartitionRecord;
import io.sluice.metadata.MetadataRecord.ProducerIdBlock;
import io.sluice.metadata.MetadataRecord.RegisterBroker;
import io.sluice.metadata.MetadataRecord.RemoveTopic;
import io.sluice.metadata.MetadataRecord.TopicRecord;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.IneligibleReplicaException;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Validates admin operations against the latest local image and proposes record batches; on the Raft leader it
 * is also the active controller ({@link #activate(long)}): it tracks broker sessions and fences brokers whose
 * heartbeats lapse. Operations run one after another (each starts once the previous one is applied or failed),
 * so every validation sees the effects of all earlier operations; the state machine re-checks each batch's
 * expectations (and the term of the active controller's own decisions), which covers stale and deposed proposals.
 */
public final class QuorumController implements Controller {
    /** How often a proposal computed from a lagging image is recomputed after the log rejected it as stale. */
    private static final int STALE_IMAGE_RETRIES = 5;

    private final Supplier<MetadataImage> image;
    private final RecordProposer proposer;
    private final int defaultNumPartitions;
    private final short defaultReplicationFactor;
    private final Consumer<Map<String, String>> topicConfigValidator;
    private final Supplier<Uuid> topicIds;
    private final LongSupplier clockMs;
    private final boolean uncleanLeaderElectionDefault;
    private final BrokerSessions sessions;
    /** The Raft term this node is active controller in, -1 when it is not the active controller. */
    private volatile long activeTerm = -1L;
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

    /** Kafka's broker.session.timeout.ms default. */
    public static final long DEFAULT_SESSION_TIMEOUT_MS = 9_000L;

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
        this.image = Objects.requireNonNull(image, "image");
        this.proposer = Objects.requireNonNull(proposer, "proposer");
        this.defaultNumPartitions = defaultNumPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
        this.topicConfigValidator = Objects.requireNonNull(topicConfigValidator, "topicConfigValidator");
        this.topicIds = Objects.requireNonNull(topicIds, "topicIds");
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
        this.sessions = new BrokerSessions(sessionTimeoutMs);
        this.uncleanLeaderElectionDefault = uncleanLeaderElectionDefault;
    }

    private static long monotonicMs() {
        return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** With validateOnly the future completes with {@link Uuid#ZERO_UUID}: no id is reserved. */
    @Override
    public CompletableFuture<Uuid> createTopic(String name, int numPartitions, short replicationFactor,
                                               Map<String, String> configs, boolean validateOnly) {
        return serially(() -> {
            MetadataImage current = image.get();
            checkNewTopicName(current, name);
            int partitions = numPartitions == -1 ? defaultNumPartitions : numPartitions;
            if (partitions <= 0) {
                throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
            }
            short rf = replicationFactor == -1 ? defaultReplicationFactor : replicationFactor;
            if (rf <= 0) {
                throw new InvalidReplicationFactorException(
                        "Replication factor must be larger than 0, or -1 to use the default value.");
            }
            List<Integer> brokers = liveBrokers(current);
            checkReplicationFactor(rf, brokers);
            Map<String, String> overrides = checkedOverrides(configs);
            if (validateOnly) {
                return CompletableFuture.completedFuture(Uuid.ZERO_UUID);
            }
            Uuid id = newTopicId(current);
            List<MetadataRecord> batch = new ArrayList<>(1 + partitions + overrides.size());
            batch.add(new TopicRecord(name, id));
            addPartitions(batch, id, name, brokers, racks(current), rf, 0, partitions);
            addConfigs(batch, id, overrides);
            return proposer.propose(batch).thenApply(ignored -> id);
        });
    }

    /**
     * Creates a topic whose partition i has exactly the replicas {@code assignment.get(i)} (Kafka's manual
     * assignment); see {@link ManualAssignment} for the rules and the initial leader and ISR.
     */
    @Override
    public CompletableFuture<Uuid> createTopicWithAssignment(String name, List<List<Integer>> assignment,
                                                             Map<String, String> configs, boolean validateOnly) {
        Objects.requireNonNull(assignment, "assignment");
        return serially(() -> {
            MetadataImage current = image.get();
            checkNewTopicName(current, name);
            ManualAssignment.validate(current, assignment, -1, 0);
            Map<String, String> overrides = checkedOverrides(configs);
            if (validateOnly) {
                return CompletableFuture.completedFuture(Uuid.ZERO_UUID);
            }
            Uuid id = newTopicId(current);
            List<MetadataRecord> batch = new ArrayList<>(1 + assignment.size() + overrides.size());
            batch.add(new TopicRecord(name, id));
            batch.addAll(ManualAssignment.records(current, id, 0, assignment));
            addConfigs(batch, id, overrides);
            return proposer.propose(batch).thenApply(ignored -> id);
        });
    }

    private static void checkNewTopicName(MetadataImage current, String name) {
        Topic.validate(name);
        if (current.topicsByName().containsKey(name)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        checkCollision(current, name);
    }

    private Map<String, String> checkedOverrides(Map<String, String> configs) {
        Map<String, String> overrides = configs == null ? Map.of() : configs;
        for (Map.Entry<String, String> entry : overrides.entrySet()) {
            if (entry.getValue() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic configs: "
                        + entry.getKey());
            }
        }
        topicConfigValidator.accept(overrides);
        return overrides;
    }

    private static void addConfigs(List<MetadataRecord> batch, Uuid topicId, Map<String, String> overrides) {
        new TreeMap<>(overrides).forEach((key, value) -> batch.add(new ConfigRecord(topicId, key, value)));
    }

    @Override
    public CompletableFuture<Void> deleteTopic(String name) {
        return serially(() -> {
            TopicImage topic = existingTopic(image.get(), name);
            return proposer.propose(List.of(new RemoveTopic(topic.id())));
        });
    }

    @Override
    public CompletableFuture<Void> createPartitions(String topicName, int newTotalCount, boolean validateOnly) {
        return serially(() -> {
            MetadataImage current = image.get();
            TopicImage topic = existingTopic(current, topicName);
            int existing = checkGrowth(topic, newTotalCount);
            int rf = replicationFactor(topic);
            List<Integer> brokers = liveBrokers(current);
            checkReplicationFactor(rf, brokers);
            if (validateOnly) {
                return CompletableFuture.completedFuture(null);
            }
            List<MetadataRecord> batch = new ArrayList<>(newTotalCount - existing);
            addPartitions(batch, topic.id(), topicName, brokers, racks(current), rf, existing,
                    newTotalCount - existing);
            return proposer.propose(batch);
        });
    }

    /**
     * Adds partitions with exactly the replicas given, one list per new partition; each list must have the topic's
     * replication factor (that of its first partition).
     */
    @Override
    public CompletableFuture<Void> createPartitionsWithAssignment(String topicName, int newTotalCount,
                                                                  List<List<Integer>> newAssignment,
                                                                  boolean validateOnly) {
        Objects.requireNonNull(newAssignment, "newAssignment");
        return serially(() -> {
            MetadataImage current = image.get();
            TopicImage topic = existingTopic(current, topicName);
            int existing = checkGrowth(topic, newTotalCount);
            int additional = newTotalCount - existing;
            if (newAssignment.size() != additional) {
                throw new InvalidReplicaAssignmentException("Attempted to add " + additional
                        + " additional partition(s), but only " + newAssignment.size()
                        + " assignment(s) were specified.");
            }
            int rf = topic.partitions().isEmpty() ? -1 : replicationFactor(topic);
            ManualAssignment.validate(current, newAssignment, rf, existing);
            if (validateOnly) {
                return CompletableFuture.completedFuture(null);
            }
            return proposer.propose(new ArrayList<>(ManualAssignment.records(current, topic.id(), existing,
                    newAssignment)));
        });
    }

    /** The current partition count, after checking that {@code newTotalCount} is an increase. */
    private static int checkGrowth(TopicImage topic, int newTotalCount) {
        int existing = topic.partitions().size();
        if (newTotalCount < existing) {
            throw new InvalidPartitionsException("The topic " + topic.name() + " currently has " + existing
                    + " partition(s); " + newTotalCount + " would not be an increase.");
        }
        if (newTotalCount == existing) {
            throw new InvalidPartitionsException("Topic already has " + existing + " partition(s).");
        }
        return existing;
    }

    private int replicationFactor(TopicImage topic) {
        return topic.partitions().isEmpty() ? defaultReplicationFactor
                : topic.partitions().get(topic.partitions().firstKey()).replicas().size();
    }

    @Override
    public CompletableFuture<Void> alterTopicConfigs(String topicName, Map<String, String> changes, boolean incremental,
                                                     boolean validateOnly) {
        return serially(() -> {
            TopicImage topic = existingTopic(image.get(), topicName);
            Map<String, String> result = incremental ? new HashMap<>(topic.configs()) : new HashMap<>();
            changes.forEach((key, value) -> {
                if (value == null) {
                    result.remove(key);
                } else {
                    result.put(key, value);
                }
            });
            topicConfigValidator.accept(result);
            if (validateOnly) {
                return CompletableFuture.completedFuture(null);
            }
            List<MetadataRecord> batch = new ArrayList<>();
            new TreeMap<>(topic.configs()).keySet().forEach(key -> {
                if (!result.containsKey(key)) {
                    batch.add(new ConfigRecord(topic.id(), key, null));
                }
            });
            new TreeMap<>(result).forEach((key, value) -> {
                if (!value.equals(topic.configs().get(key))) {
                    batch.add(new ConfigRecord(topic.id(), key, value));
                }
            });
            return batch.isEmpty() ? CompletableFuture.completedFuture(null) : proposer.propose(batch);
        });
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        if (blockSize <= 0) {
            return CompletableFuture.failedFuture(
                    new InvalidRequestException("Producer id block size must be positive, got " + blockSize));
        }
        // A lagging node may offer a block that another node took meanwhile: the log rejects it, so recompute.
        return retrying(() -> {
            long firstId = image.get().nextProducerId();
            return proposer.propose(List.of(new ProducerIdBlock(brokerId, firstId, blockSize)))
                    .thenApply(ignored -> firstId);
        }, InvalidRequestException.class);
    }

    @Override
    public CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack) {
        return registerBroker(brokerId, host, port, rack, Uuid.ZERO_UUID);
    }

    @Override
    public CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack,
                                                  Uuid incarnationId) {
        if (brokerId < 0 || port < 0 || port > 65535 || host == null || host.isEmpty() || incarnationId == null) {
            return CompletableFuture.failedFuture(new InvalidRequestException("Invalid broker registration "
                    + brokerId + "@" + host + ":" + port));
        }
        return retryingOnStaleImage(() -> {
            MetadataImage current = image.get();
            BrokerImage existing = current.brokers().get(brokerId);
            if (existing != null && !existing.fenced() && existing.host().equals(host) && existing.port() == port
                    && Objects.equals(existing.rack(), rack) && existing.incarnationId().equals(incarnationId)) {
                return CompletableFuture.completedFuture(null);
            }
            List<MetadataRecord> batch = new ArrayList<>();
            batch.add(new RegisterBroker(brokerId, host, port, rack, incarnationId));
            batch.addAll(PartitionLeadership.brokerReturned(current, brokerId, uncleanLeaderElectionDefault));
            return proposer.propose(batch, activeTerm).thenRun(() -> {
                synchronized (sessions) {
                    sessions.heartbeat(brokerId, clockMs.getAsLong());
                }
            });
        });
    }

    // ---- active controller: broker sessions ----

    /** This node became the active controller in {@code term}: every registered broker's session starts now. */
    public void activate(long term) {
        synchronized (sessions) {
            activeTerm = term;
            List<Integer> registered = new ArrayList<>(image.get().brokers().keySet());
            sessions.startAll(registered, clockMs.getAsLong());
        }
    }

    /** This node is no longer the active controller: forget sessions, stop deciding. */
    public void resign() {
        synchronized (sessions) {
            activeTerm = -1L;
            sessions.clear();
        }
    }

    public boolean isActive() {
        return activeTerm >= 0;
    }

    /** The Raft term this node is active controller in, -1 when it is not. */
    public long activeTerm() {
        return activeTerm;
    }

    @Override
    public CompletableFuture<Errors> brokerHeartbeat(int brokerId, Uuid incarnationId) {
        long term = activeTerm;
        if (term < 0) {
            return CompletableFuture.completedFuture(Errors.NOT_CONTROLLER);
        }
        BrokerImage broker = image.get().brokers().get(brokerId);
        if (broker == null) {
            return CompletableFuture.completedFuture(Errors.BROKER_ID_NOT_REGISTERED);
        }
        if (!broker.incarnationId().equals(incarnationId)) {
            // An older process of the same broker id, or a registration still on its way: register (again).
            return CompletableFuture.completedFuture(Errors.STALE_BROKER_EPOCH);
        }
        synchronized (sessions) {
            sessions.heartbeat(brokerId, clockMs.getAsLong());
        }
        if (!broker.fenced()) {
            return CompletableFuture.completedFuture(Errors.NONE);
        }
        return serially(() -> {
            MetadataImage current = image.get();
            BrokerImage now = current.brokers().get(brokerId);
            if (now == null || !now.fenced() || !now.incarnationId().equals(incarnationId)) {
                return CompletableFuture.completedFuture(Errors.NONE);
            }
            List<MetadataRecord> batch = new ArrayList<>();
            batch.add(new BrokerFencing(brokerId, false));
            batch.addAll(PartitionLeadership.brokerReturned(current, brokerId, uncleanLeaderElectionDefault));
            return proposer.propose(batch, term).thenApply(ignored -> Errors.NONE);
        });
    }

    /**
     * Fences every unfenced broker whose session lapsed, moving its leaderships away; the active controller calls
     * this periodically. Completes with the ids fenced (empty when not active).
     */
    public CompletableFuture<List<Integer>> fenceExpiredBrokers() {
        if (activeTerm < 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        return serially(() -> {
            long term = activeTerm;
            MetadataImage current = image.get();
            List<Integer> expired;
            synchronized (sessions) {
                if (term < 0) {
                    return CompletableFuture.completedFuture(List.<Integer>of());
                }
                long nowMs = clockMs.getAsLong();
                current.brokers().values().forEach(b -> sessions.observeIncarnation(b.id(), b.incarnationId(), nowMs));
                expired = sessions.expired(PartitionLeadership.liveBrokers(current), nowMs);
            }
            if (expired.isEmpty()) {
                return CompletableFuture.completedFuture(List.<Integer>of());
            }
            MetadataImage working = current;
            List<MetadataRecord> batch = new ArrayList<>();
            for (int brokerId : expired) {
                List<MetadataRecord> step = fencingRecords(working, brokerId);
                batch.addAll(step);
                working = applyLocally(working, step);
            }
            return proposer.propose(batch, term).thenApply(ignored -> {
                // A fenced broker's old session must not outlive it: when it registers again (through any node),
                // its session starts afresh instead of lapsing at once and fencing it a second time.
                synchronized (sessions) {
                    expired.forEach(sessions::forget);
                }
                return expired;
            });
        });
    }

    @Override
    public CompletableFuture<Void> controlledShutdown(int brokerId) {
        return retryingOnStaleImage(() -> {
            MetadataImage current = image.get();
            BrokerImage broker = current.brokers().get(brokerId);
            if (broker == null) {
                throw new BrokerIdNotRegisteredException("Broker " + brokerId + " is not registered.");
            }
            if (broker.fenced()) {
                return CompletableFuture.completedFuture(null);
            }
            return proposer.propose(fencingRecords(current, brokerId), activeTerm);
        });
    }

    private List<MetadataRecord> fencingRecords(MetadataImage current, int brokerId) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new BrokerFencing(brokerId, true));
        records.addAll(PartitionLeadership.removeBroker(current, brokerId, uncleanLeaderElectionDefault));
        return records;
    }

    /** The image after {@code records}, so several brokers fenced together see each other's changes. */
    private static MetadataImage applyLocally(MetadataImage base, List<MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(base);
        try {
            delta.applyAll(records);
        } catch (RejectedBatchException e) {
            throw e.error().exception(e.getMessage());
        }
        return delta.build(base.offset());
    }

    // ---- partition leadership ----

    @Override
    public CompletableFuture<PartitionImage> alterPartition(AlterPartitionRequest request) {
        return serially(() -> {
            MetadataImage current = image.get();
            TopicImage topic = current.topic(request.topicId());
            if (topic == null) {
                throw new UnknownTopicIdException("Topic id " + request.topicId() + " does not exist.");
            }
            PartitionImage partition = topic.partitions().get(request.partition());
            if (partition == null) {
                throw new UnknownTopicOrPartitionException("Partition " + topic.name() + "-" + request.partition()
                        + " does not exist.");
            }
            String name = topic.name() + "-" + request.partition();
            if (request.leaderEpoch() != partition.leaderEpoch()) {
                throw new FencedLeaderEpochException("Leader epoch " + request.leaderEpoch() + " of " + name
                        + " is not the current leader epoch " + partition.leaderEpoch() + ".");
            }
            if (request.brokerId() != partition.leader()) {
                throw new NotLeaderOrFollowerException("Broker " + request.brokerId() + " does not lead " + name
                        + "; the leader is " + partition.leader() + ".");
            }
            if (request.partitionEpoch() != partition.partitionEpoch()) {
                throw new InvalidUpdateVersionException("Partition epoch " + request.partitionEpoch() + " of " + name
                        + " is not the current partition epoch " + partition.partitionEpoch() + ".");
            }
            List<Integer> newIsr = request.newIsr();
            if (!newIsr.contains(partition.leader()) || !partition.replicas().containsAll(newIsr)
                    || new java.util.HashSet<>(newIsr).size() != newIsr.size()) {
                throw new InvalidRequestException("ISR " + newIsr + " of " + name + " must contain the leader "
                        + partition.leader() + " and only replicas " + partition.replicas() + ", each once.");
            }
            for (int member : newIsr) {
                BrokerImage broker = current.brokers().get(member);
                if (broker == null || broker.fenced()) {
                    throw new IneligibleReplicaException("Replica " + member + " of " + name
                            + " is fenced or not registered and cannot join the ISR.");
                }
            }
            // An ISR that now holds every target replica of a reassignment completes it in the same change.
            PartitionImage withIsr = new PartitionImage(partition.partition(), partition.replicas(), newIsr,
                    partition.leader(), partition.leaderEpoch(), partition.partitionEpoch(),
                    partition.addingReplicas(), partition.removingReplicas());
            Set<Integer> live = PartitionLeadership.liveBrokers(current);
            PartitionRecord change = PartitionLeadership.change(topic, partition,
                    PartitionReassignment.completedIfCaughtUp(withIsr, live::contains));
            if (change == null) {
                return CompletableFuture.completedFuture(partition);
            }
            PartitionImage next = PartitionLeadership.image(change);
            return proposer.propose(List.of(change), activeTerm).thenApply(ignored -> next);
        });
    }

    @Override
    public CompletableFuture<Map<TopicPartition, ApiError>> electLeaders(ElectionType type,
                                                                         Set<TopicPartition> partitions) {
        Objects.requireNonNull(type, "type");
        return retryingOnStaleImage(() -> {
            MetadataImage current = image.get();
            Set<Integer> live = PartitionLeadership.liveBrokers(current);
            Map<TopicPartition, ApiError> results = new java.util.LinkedHashMap<>();
            List<MetadataRecord> batch = new ArrayList<>();
            List<TopicPartition> changed = new ArrayList<>();
            for (Map.Entry<TopicPartition, PartitionImage> target : targets(current, partitions, results).entrySet()) {
                TopicPartition tp = target.getKey();
                PartitionImage partition = target.getValue();
                TopicImage topic = current.topic(tp.topic());
                PartitionLeadership.Election election;
                if (type == ElectionType.PREFERRED) {
                    int preferred = partition.replicas().get(0);
                    if (partition.leader() == preferred) {
                        if (partitions != null) {
                            results.put(tp, new ApiError(Errors.ELECTION_NOT_NEEDED, null));
                        }
                        continue;
                    }
                    if (!partition.isr().contains(preferred) || !live.contains(preferred)) {
                        results.put(tp, new ApiError(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "Replica " + preferred
                                + " of " + tp + " is not live or not in the ISR " + partition.isr() + "."));
                        continue;
                    }
                    election = new PartitionLeadership.Election(preferred, partition.isr());
                } else {
                    if (partition.leader() >= 0 && live.contains(partition.leader())) {
                        if (partitions != null) {
                            results.put(tp, new ApiError(Errors.ELECTION_NOT_NEEDED, null));
                        }
                        continue;
                    }
                    election = PartitionLeadership.elect(partition.replicas(), partition.isr(), live::contains, true);
                    if (election.leader() < 0) {
                        results.put(tp, new ApiError(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
                                "No live replica of " + tp + " can lead."));
                        continue;
                    }
                }
                PartitionRecord change = PartitionLeadership.change(topic, partition, election.leader(),
                        election.isr());
                if (change != null) {
                    batch.add(change);
                    changed.add(tp);
                }
            }
            if (batch.isEmpty()) {
                return CompletableFuture.completedFuture(results);
            }
            return proposer.propose(batch, activeTerm).thenApply(ignored -> {
                changed.forEach(tp -> results.put(tp, ApiError.NONE));
                return results;
            });
        });
    }

    // ---- reassignments ----

    @Override
    public CompletableFuture<Map<TopicPartition, ApiError>> alterPartitionReassignments(
            Map<TopicPartition, Optional<List<Integer>>> targets, boolean allowReplicationFactorChange) {
        Objects.requireNonNull(targets, "targets");
        return retryingOnStaleImage(() -> {
            MetadataImage current = image.get();
            Set<Integer> live = PartitionLeadership.liveBrokers(current);
            Map<TopicPartition, ApiError> results = new java.util.LinkedHashMap<>();
            List<MetadataRecord> batch = new ArrayList<>();
            for (Map.Entry<TopicPartition, Optional<List<Integer>>> entry : targets.entrySet()) {
                TopicPartition tp = entry.getKey();
                TopicImage topic = current.topic(tp.topic());
                PartitionImage partition = topic == null ? null : topic.partitions().get(tp.partition());
                if (partition == null) {
                    results.put(tp, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                            "Unable to find partition " + tp + "."));
                    continue;
                }
                try {
                    PartitionImage next = reassigned(current, tp, partition, entry.getValue(), live,
                            allowReplicationFactorChange);
                    PartitionRecord change = PartitionLeadership.change(topic, partition, next);
                    if (change != null) {
                        batch.add(change);
                    }
                    results.put(tp, ApiError.NONE);
                } catch (org.apache.kafka.common.errors.ApiException e) {
                    results.put(tp, ApiError.fromThrowable(e));
                }
            }
            if (batch.isEmpty()) {
                return CompletableFuture.completedFuture(results);
            }
            return proposer.propose(batch, activeTerm).thenApply(ignored -> results);
        });
    }

    private static PartitionImage reassigned(MetadataImage current, TopicPartition tp, PartitionImage partition,
                                             Optional<List<Integer>> target, Set<Integer> live,
                                             boolean allowReplicationFactorChange) {
        if (target.isEmpty()) {
            if (!partition.reassigning()) {
                throw new NoReassignmentInProgressException("No ongoing reassignment for partition " + tp + ".");
            }
            return PartitionReassignment.reverted(partition, live::contains);
        }
        List<Integer> replicas = target.get();
        checkTargetReplicas(current, replicas);
        PartitionImage base = PartitionReassignment.reverted(partition, live::contains);
        if (!allowReplicationFactorChange && replicas.size() != base.replicas().size()) {
            throw new InvalidReplicationFactorException("The replication factor of " + tp + " would change from "
                    + base.replicas().size() + " to " + replicas.size()
                    + ", but allowReplicationFactorChange is false.");
        }
        return PartitionReassignment.completedIfCaughtUp(PartitionReassignment.started(base, replicas),
                live::contains);
    }

    private static void checkTargetReplicas(MetadataImage current, List<Integer> replicas) {
        if (replicas.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment includes an empty "
                    + "replica list.");
        }
        Set<Integer> seen = new java.util.HashSet<>();
        for (int replica : replicas) {
            if (!seen.add(replica)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes the broker "
                        + replica + " more than once.");
            }
            if (!current.brokers().containsKey(replica)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                        + replica + ", but no such broker is registered.");
            }
        }
    }

    /** The partitions to elect for, in a stable order; unknown requested ones are reported in {@code results}. */
    private static Map<TopicPartition, PartitionImage> targets(MetadataImage current, Set<TopicPartition> requested,
                                                               Map<TopicPartition, ApiError> results) {
        Map<TopicPartition, PartitionImage> targets = new java.util.LinkedHashMap<>();
        if (requested == null) {
            for (TopicImage topic : new TreeMap<>(current.topicsByName()).values()) {
                topic.partitions().values().forEach(p -> targets.put(new TopicPartition(topic.name(), p.partition()), p));
            }
            return targets;
        }
        for (TopicPartition tp : requested) {
            TopicImage topic = current.topic(tp.topic());
            PartitionImage partition = topic == null ? null : topic.partitions().get(tp.partition());
            if (partition == null) {
                results.put(tp, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + tp + " does not exist."));
            } else {
                targets.put(tp, partition);
            }
        }
        return targets;
    }

    /**
     * Runs {@code operation} serially; when the log rejects its batch as computed from a stale image (a node that
     * is not the leader may lag a few entries behind), recomputes it after a short pause.
     */
    private <T> CompletableFuture<T> retryingOnStaleImage(Supplier<CompletableFuture<T>> operation) {
        return retrying(operation, InvalidUpdateVersionException.class);
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

    private static TopicImage existingTopic(MetadataImage current, String name) {
        TopicImage topic = name == null ? null : current.topicsByName().get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.");
        }
        return topic;
    }

    private static void checkCollision(MetadataImage current, String name) {
        if (!Topic.hasCollisionChars(name)) {
            return;
        }
        String unified = Topic.unifyCollisionChars(name);
        for (String existing : current.topicsByName().keySet()) {
            if (Topic.unifyCollisionChars(existing).equals(unified)) {
                throw new InvalidTopicException("Topic '" + name + "' collides with existing topic: " + existing);
            }
        }
    }

    private static List<Integer> liveBrokers(MetadataImage current) {
        List<Integer> ids = new ArrayList<>(current.brokers().size());
        for (BrokerImage broker : current.brokers().values()) {
            if (!broker.fenced()) {
                ids.add(broker.id());
            }
        }
        ids.sort(null);
        return ids;
    }

    private static void checkReplicationFactor(int rf, List<Integer> brokers) {
        if (rf > brokers.size()) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + rf
                    + " time(s): The target replication factor of " + rf + " cannot be reached because only "
                    + brokers.size() + " broker(s) are registered.");
        }
    }

    private Uuid newTopicId(MetadataImage current) {
        Uuid id = topicIds.get();
        while (current.topicsById().containsKey(id) || Uuid.RESERVED.contains(id)) {
            id = topicIds.get();
        }
        return id;
    }

    private static Map<Integer, String> racks(MetadataImage current) {
        Map<Integer, String> racks = new HashMap<>();
        current.brokers().values().forEach(broker -> racks.put(broker.id(), broker.rack()));
        return racks;
    }

    private static void addPartitions(List<MetadataRecord> batch, Uuid topicId, String topicName, List<Integer> brokers,
                                      Map<Integer, String> racks, int rf, int firstPartition, int count) {
        List<List<Integer>> assignment = ReplicaAssigner.assign(topicName, brokers, racks, rf, firstPartition, count);
        for (int i = 0; i < count; i++) {
            List<Integer> replicas = assignment.get(i);
            batch.add(new PartitionRecord(topicId, firstPartition + i, replicas, replicas, replicas.get(0), 0, 0));
        }
    }
}
