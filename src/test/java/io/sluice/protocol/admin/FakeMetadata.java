package io.sluice.protocol.admin;

import io.sluice.controller.Controller;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.PartitionImage;
import io.sluice.quorum.QuorumDescription;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * In-memory metadata and controller: applies admin operations to the image at once, records every
 * call, and can hold a topic's creation open to show handlers wait without blocking.
 */
final class FakeMetadata implements MetadataService, Controller {
    /** Topic config keys the fake controller accepts, as LogConfig.validate would. */
    static final List<String> KNOWN_CONFIGS = List.of("cleanup.policy", "retention.ms", "segment.bytes",
            "max.message.bytes");

    private MetadataImage image;
    private long nextTopicId = 1;
    final List<String> calls = new ArrayList<>();
    final Map<String, CompletableFuture<Uuid>> heldCreations = new HashMap<>();
    final Map<String, Map<String, String>> alteredConfigs = new HashMap<>();

    FakeMetadata(int... brokerIds) {
        Map<Integer, BrokerImage> brokers = new TreeMap<>();
        for (int id : brokerIds) {
            brokers.put(id, new BrokerImage(id, "host" + id, 9090 + id, id == 2 ? "rack-b" : null, false));
        }
        image = new MetadataImage(0, "cluster-xyz", brokers, Map.of(), Map.of(), 0);
    }

    void addBroker(BrokerImage broker) {
        Map<Integer, BrokerImage> brokers = new TreeMap<>(image.brokers());
        brokers.put(broker.id(), broker);
        image = new MetadataImage(image.offset() + 1, image.clusterId(), brokers, image.topicsByName(),
                image.topicsById(), image.nextProducerId());
    }

    TopicImage addTopic(String name, int partitions, Map<String, String> configs) {
        return putTopic(name, new Uuid(0, nextTopicId++), partitions, configs);
    }

    private TopicImage putTopic(String name, Uuid id, int partitions, Map<String, String> configs) {
        TreeMap<Integer, PartitionImage> parts = new TreeMap<>();
        int leader = image.brokers().keySet().iterator().next();
        for (int p = 0; p < partitions; p++) {
            parts.put(p, new PartitionImage(p, List.of(leader), List.of(leader), leader, 0, 0));
        }
        TopicImage topic = new TopicImage(name, id, parts, Map.copyOf(configs));
        Map<String, TopicImage> byName = new HashMap<>(image.topicsByName());
        Map<Uuid, TopicImage> byId = new HashMap<>(image.topicsById());
        TopicImage previous = byName.put(name, topic);
        if (previous != null) {
            byId.remove(previous.id());
        }
        byId.put(id, topic);
        image = new MetadataImage(image.offset() + 1, image.clusterId(), image.brokers(), byName, byId,
                image.nextProducerId());
        return topic;
    }

    private void removeTopic(TopicImage topic) {
        Map<String, TopicImage> byName = new HashMap<>(image.topicsByName());
        Map<Uuid, TopicImage> byId = new HashMap<>(image.topicsById());
        byName.remove(topic.name());
        byId.remove(topic.id());
        image = new MetadataImage(image.offset() + 1, image.clusterId(), image.brokers(), byName, byId,
                image.nextProducerId());
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void addListener(MetadataListener listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Controller controller() {
        return this;
    }

    @Override
    public void close() {
    }

    @Override
    public CompletableFuture<Uuid> createTopic(String name, int numPartitions, short replicationFactor,
                                              Map<String, String> configs, boolean validateOnly) {
        calls.add("createTopic " + name + " " + numPartitions + " " + replicationFactor + " " + new TreeMap<>(configs)
                + (validateOnly ? " validateOnly" : ""));
        if (image.topicsByName().containsKey(name)) {
            return CompletableFuture.failedFuture(new TopicExistsException("Topic '" + name + "' already exists."));
        }
        for (String key : configs.keySet()) {
            if (!KNOWN_CONFIGS.contains(key)) {
                return CompletableFuture.failedFuture(
                        new InvalidConfigurationException("Unknown topic config name: " + key));
            }
        }
        CompletableFuture<Uuid> held = heldCreations.get(name);
        if (validateOnly) {
            return CompletableFuture.completedFuture(Uuid.ZERO_UUID);
        }
        if (held != null) {
            return held.thenApply(ignored -> addTopic(name, numPartitions, configs).id());
        }
        return CompletableFuture.completedFuture(addTopic(name, numPartitions, configs).id());
    }

    @Override
    public CompletableFuture<Uuid> createTopicWithAssignment(String name, List<List<Integer>> assignment,
                                                             Map<String, String> configs, boolean validateOnly) {
        calls.add("createTopic " + name + " assignment " + assignment + " " + new TreeMap<>(configs)
                + (validateOnly ? " validateOnly" : ""));
        if (image.topicsByName().containsKey(name)) {
            return CompletableFuture.failedFuture(new TopicExistsException("Topic '" + name + "' already exists."));
        }
        if (validateOnly) {
            return CompletableFuture.completedFuture(Uuid.ZERO_UUID);
        }
        return CompletableFuture.completedFuture(addTopic(name, assignment.size(), configs).id());
    }

    @Override
    public CompletableFuture<Void> createPartitionsWithAssignment(String name, int newTotalCount,
                                                                  List<List<Integer>> newAssignment,
                                                                  boolean validateOnly) {
        calls.add("createPartitions " + name + " " + newTotalCount + " assignment " + newAssignment
                + (validateOnly ? " validateOnly" : ""));
        TopicImage topic = image.topicsByName().get(name);
        if (topic == null) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
        }
        if (!validateOnly) {
            putTopic(name, topic.id(), newTotalCount, topic.configs());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteTopic(String name) {
        calls.add("deleteTopic " + name);
        TopicImage topic = image.topicsByName().get(name);
        if (topic == null) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
        }
        removeTopic(topic);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> createPartitions(String name, int newTotalCount, boolean validateOnly) {
        calls.add("createPartitions " + name + " " + newTotalCount + (validateOnly ? " validateOnly" : ""));
        TopicImage topic = image.topicsByName().get(name);
        if (topic == null) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
        }
        if (newTotalCount <= topic.partitions().size()) {
            return CompletableFuture.failedFuture(new InvalidPartitionsException(
                    "Topic already has " + topic.partitions().size() + " partition(s)."));
        }
        if (!validateOnly) {
            putTopic(name, topic.id(), newTotalCount, topic.configs());
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> alterTopicConfigs(String name, Map<String, String> changes, boolean incremental,
                                                     boolean validateOnly) {
        calls.add("alterTopicConfigs " + name + " " + changes + (incremental ? " incremental" : " replace")
                + (validateOnly ? " validateOnly" : ""));
        TopicImage topic = image.topicsByName().get(name);
        if (topic == null) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist."));
        }
        Map<String, String> result = incremental ? new LinkedHashMap<>(topic.configs()) : new LinkedHashMap<>();
        changes.forEach((key, value) -> {
            if (value == null) {
                result.remove(key);
            } else {
                result.put(key, value);
            }
        });
        for (Map.Entry<String, String> entry : result.entrySet()) {
            if (!KNOWN_CONFIGS.contains(entry.getKey())) {
                return CompletableFuture.failedFuture(
                        new InvalidConfigurationException("Unknown topic config name: " + entry.getKey()));
            }
            if (entry.getKey().equals("retention.ms") && !entry.getValue().matches("-?\\d+")) {
                return CompletableFuture.failedFuture(new InvalidConfigurationException(
                        "Invalid value " + entry.getValue() + " for configuration retention.ms"));
            }
        }
        if (!validateOnly) {
            alteredConfigs.put(name, result);
            putTopic(name, topic.id(), topic.partitions().size(), result);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Replaces one partition of an existing topic (e.g. to show a reassignment in progress). */
    void putPartition(String name, PartitionImage partition) {
        TopicImage topic = image.topicsByName().get(name);
        TreeMap<Integer, PartitionImage> parts = new TreeMap<>(topic.partitions());
        parts.put(partition.partition(), partition);
        TopicImage changed = new TopicImage(name, topic.id(), parts, topic.configs());
        Map<String, TopicImage> byName = new HashMap<>(image.topicsByName());
        Map<Uuid, TopicImage> byId = new HashMap<>(image.topicsById());
        byName.put(name, changed);
        byId.put(topic.id(), changed);
        image = new MetadataImage(image.offset() + 1, image.clusterId(), image.brokers(), byName, byId,
                image.nextProducerId());
    }

    /** What electLeaders answers; null partitions (all) get exactly these results. */
    final Map<TopicPartition, ApiError> electionResults = new LinkedHashMap<>();
    /** Makes electLeaders fail as a whole (no controller reachable). */
    boolean failElections;
    /** What describeQuorum answers; null fails it. */
    QuorumDescription quorum;

    @Override
    public CompletableFuture<Map<TopicPartition, ApiError>> electLeaders(ElectionType type,
                                                                         Set<TopicPartition> partitions) {
        calls.add("electLeaders " + type + " " + (partitions == null ? "all" : partitions));
        if (failElections) {
            return CompletableFuture.failedFuture(new NotControllerException("No controller"));
        }
        if (partitions == null) {
            return CompletableFuture.completedFuture(new LinkedHashMap<>(electionResults));
        }
        Map<TopicPartition, ApiError> results = new LinkedHashMap<>();
        partitions.forEach(tp -> results.put(tp, electionResults.getOrDefault(tp, ApiError.NONE)));
        return CompletableFuture.completedFuture(results);
    }

    @Override
    public CompletableFuture<Map<TopicPartition, ApiError>> alterPartitionReassignments(
            Map<TopicPartition, Optional<List<Integer>>> targets, boolean allowReplicationFactorChange) {
        calls.add("alterPartitionReassignments " + targets + (allowReplicationFactorChange ? "" : " fixedRf"));
        Map<TopicPartition, ApiError> results = new LinkedHashMap<>();
        targets.forEach((tp, target) -> {
            TopicImage topic = image.topicsByName().get(tp.topic());
            if (topic == null || !topic.partitions().containsKey(tp.partition())) {
                results.put(tp, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Unable to find partition " + tp + "."));
            } else if (target.isEmpty()) {
                results.put(tp, new ApiError(Errors.NO_REASSIGNMENT_IN_PROGRESS, null));
            } else {
                results.put(tp, ApiError.NONE);
            }
        });
        return CompletableFuture.completedFuture(results);
    }

    @Override
    public CompletableFuture<QuorumDescription> describeQuorum() {
        calls.add("describeQuorum");
        return quorum == null ? CompletableFuture.failedFuture(new NotControllerException("No leader"))
                : CompletableFuture.completedFuture(quorum);
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack) {
        throw new UnsupportedOperationException();
    }
}
