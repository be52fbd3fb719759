package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecord;
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
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;

/**
 * The active controller: validates admin operations against the latest image and proposes record batches.
 * Operations run one after another (each starts once the previous one is applied or failed), so every
 * validation sees the effects of all earlier operations; the state machine re-checks each batch's expectations,
 * which covers a deposed leader's stale proposals.
 */
public final class QuorumController implements Controller {
    private final Supplier<MetadataImage> image;
    private final RecordProposer proposer;
    private final int defaultNumPartitions;
    private final short defaultReplicationFactor;
    private final Consumer<Map<String, String>> topicConfigValidator;
    private final Supplier<Uuid> topicIds;
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
        this.image = Objects.requireNonNull(image, "image");
        this.proposer = Objects.requireNonNull(proposer, "proposer");
        this.defaultNumPartitions = defaultNumPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
        this.topicConfigValidator = Objects.requireNonNull(topicConfigValidator, "topicConfigValidator");
        this.topicIds = Objects.requireNonNull(topicIds, "topicIds");
    }

    /** With validateOnly the future completes with {@link Uuid#ZERO_UUID}: no id is reserved. */
    @Override
    public CompletableFuture<Uuid> createTopic(String name, int numPartitions, short replicationFactor,
                                               Map<String, String> configs, boolean validateOnly) {
        return serially(() -> {
            MetadataImage current = image.get();
            Topic.validate(name);
            if (current.topicsByName().containsKey(name)) {
                throw new TopicExistsException("Topic '" + name + "' already exists.");
            }
            checkCollision(current, name);
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
            Map<String, String> overrides = configs == null ? Map.of() : configs;
            for (Map.Entry<String, String> entry : overrides.entrySet()) {
                if (entry.getValue() == null) {
                    throw new InvalidConfigurationException("Null value not supported for topic configs: "
                            + entry.getKey());
                }
            }
            topicConfigValidator.accept(overrides);
            if (validateOnly) {
                return CompletableFuture.completedFuture(Uuid.ZERO_UUID);
            }
            Uuid id = newTopicId(current);
            List<MetadataRecord> batch = new ArrayList<>(1 + partitions + overrides.size());
            batch.add(new TopicRecord(name, id));
            addPartitions(batch, id, name, brokers, rf, 0, partitions);
            new TreeMap<>(overrides).forEach((key, value) -> batch.add(new ConfigRecord(id, key, value)));
            return proposer.propose(batch).thenApply(ignored -> id);
        });
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
            int existing = topic.partitions().size();
            if (newTotalCount < existing) {
                throw new InvalidPartitionsException("The topic " + topicName + " currently has " + existing
                        + " partition(s); " + newTotalCount + " would not be an increase.");
            }
            if (newTotalCount == existing) {
                throw new InvalidPartitionsException("Topic already has " + existing + " partition(s).");
            }
            int rf = topic.partitions().isEmpty() ? defaultReplicationFactor
                    : topic.partitions().get(topic.partitions().firstKey()).replicas().size();
            List<Integer> brokers = liveBrokers(current);
            checkReplicationFactor(rf, brokers);
            if (validateOnly) {
                return CompletableFuture.completedFuture(null);
            }
            List<MetadataRecord> batch = new ArrayList<>(newTotalCount - existing);
            addPartitions(batch, topic.id(), topicName, brokers, rf, existing, newTotalCount - existing);
            return proposer.propose(batch);
        });
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
        return serially(() -> {
            if (blockSize <= 0) {
                throw new InvalidRequestException("Producer id block size must be positive, got " + blockSize);
            }
            long firstId = image.get().nextProducerId();
            return proposer.propose(List.of(new ProducerIdBlock(brokerId, firstId, blockSize)))
                    .thenApply(ignored -> firstId);
        });
    }

    @Override
    public CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack) {
        return serially(() -> {
            if (brokerId < 0 || port < 0 || port > 65535 || host == null || host.isEmpty()) {
                throw new InvalidRequestException("Invalid broker registration " + brokerId + "@" + host + ":" + port);
            }
            BrokerImage existing = image.get().brokers().get(brokerId);
            if (existing != null && !existing.fenced() && existing.host().equals(host) && existing.port() == port
                    && Objects.equals(existing.rack(), rack)) {
                return CompletableFuture.completedFuture(null);
            }
            return proposer.propose(List.of(new RegisterBroker(brokerId, host, port, rack)));
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

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
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

    private static void addPartitions(List<MetadataRecord> batch, Uuid topicId, String topicName, List<Integer> brokers,
                                      int rf, int firstPartition, int count) {
        List<List<Integer>> assignment = ReplicaAssigner.assign(topicName, brokers, rf, firstPartition, count);
        for (int i = 0; i < count; i++) {
            List<Integer> replicas = assignment.get(i);
            batch.add(new PartitionRecord(topicId, firstPartition + i, replicas, replicas, replicas.get(0), 0, 0));
        }
    }
}
