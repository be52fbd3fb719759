package io.sluice.protocol.admin;

import io.sluice.controller.Controller;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.MetadataService;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
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

    @Override
    public CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack) {
        throw new UnsupportedOperationException();
    }
}
