package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecord;
import io.sluice.metadata.MetadataRecord.ConfigRecord;
import io.sluice.metadata.MetadataRecord.PartitionRecord;
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
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;

/**
 * The topic side of the controller: creating topics (with placement by {@link ReplicaAssigner} or a manual
 * assignment), deleting them, adding partitions and changing topic configs, each validated against the latest image
 * and proposed as one batch.
 *
 * <p>Threading: every operation runs on the {@link ControllerQueue}, one after another.
 */
final class TopicControl {
    private final Supplier<MetadataImage> image;
    private final RecordProposer proposer;
    private final ControllerQueue queue;
    private final int defaultNumPartitions;
    private final short defaultReplicationFactor;
    private final Consumer<Map<String, String>> topicConfigValidator;
    private final Supplier<Uuid> topicIds;

    TopicControl(Supplier<MetadataImage> image, RecordProposer proposer, ControllerQueue queue,
                 int defaultNumPartitions, short defaultReplicationFactor,
                 Consumer<Map<String, String>> topicConfigValidator,
                 Supplier<Uuid> topicIds) {
        this.image = image;
        this.proposer = proposer;
        this.queue = queue;
        this.defaultNumPartitions = defaultNumPartitions;
        this.defaultReplicationFactor = defaultReplicationFactor;
        this.topicConfigValidator = topicConfigValidator;
        this.topicIds = topicIds;
    }


    /** With validateOnly the future completes with {@link Uuid#ZERO_UUID}: no id is reserved. */
    CompletableFuture<Uuid> createTopic(String name, int numPartitions, short replicationFactor,
                                               Map<String, String> configs, boolean validateOnly) {
        return queue.serially(() -> {
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
    CompletableFuture<Uuid> createTopicWithAssignment(String name, List<List<Integer>> assignment,
                                                             Map<String, String> configs, boolean validateOnly) {
        Objects.requireNonNull(assignment, "assignment");
        return queue.serially(() -> {
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

    CompletableFuture<Void> deleteTopic(String name) {
        return queue.serially(() -> {
            TopicImage topic = existingTopic(image.get(), name);
            return proposer.propose(List.of(new RemoveTopic(topic.id())));
        });
    }

    CompletableFuture<Void> createPartitions(String topicName, int newTotalCount, boolean validateOnly) {
        return queue.serially(() -> {
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
    CompletableFuture<Void> createPartitionsWithAssignment(String topicName, int newTotalCount,
                                                                  List<List<Integer>> newAssignment,
                                                                  boolean validateOnly) {
        Objects.requireNonNull(newAssignment, "newAssignment");
        return queue.serially(() -> {
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

    CompletableFuture<Void> alterTopicConfigs(String topicName, Map<String, String> changes, boolean incremental,
                                                     boolean validateOnly) {
        return queue.serially(() -> {
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
