package io.sluice.group.offsets;

import io.sluice.controller.Controller;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Single-node metadata in memory: node 1 is registered and leads every partition; topic creation
 * updates the image at once and tells the listeners, as the Ratis-backed service does before its
 * future completes.
 */
final class OffsetsTestMetadata implements MetadataService, Controller {
    static final int NODE_ID = 1;

    private final List<MetadataListener> listeners = new ArrayList<>();
    final List<String> createdTopics = new ArrayList<>();
    /** When set, createTopic fails with it (a concurrent creation, a controller error). */
    volatile RuntimeException createFailure;
    private volatile MetadataImage image = new MetadataImage(0, "test-cluster",
            Map.of(NODE_ID, new BrokerImage(NODE_ID, "localhost", 9092, null, false)), Map.of(), Map.of(), 0);

    /** Adds a topic directly, as if an earlier run had created it. */
    synchronized TopicImage putTopic(String name, int numPartitions, Map<String, String> configs) {
        TreeMap<Integer, PartitionImage> parts = new TreeMap<>();
        for (int p = 0; p < numPartitions; p++) {
            parts.put(p, new PartitionImage(p, List.of(NODE_ID), List.of(NODE_ID), NODE_ID, 3, 0));
        }
        TopicImage topic = new TopicImage(name, Uuid.randomUuid(), parts, Map.copyOf(configs));
        Map<String, TopicImage> byName = new HashMap<>(image.topicsByName());
        Map<Uuid, TopicImage> byId = new HashMap<>(image.topicsById());
        byName.put(name, topic);
        byId.put(topic.id(), topic);
        MetadataImage previous = image;
        image = new MetadataImage(previous.offset() + 1, previous.clusterId(), previous.brokers(), byName, byId,
                previous.nextProducerId());
        for (MetadataListener listener : listeners) {
            listener.onImage(previous, image);
        }
        return topic;
    }

    /** Moves a partition's leadership (another node leads it, or this one again), telling the listeners. */
    synchronized void moveLeader(String name, int partition, int leader, int leaderEpoch) {
        TopicImage topic = image.topic(name);
        TreeMap<Integer, PartitionImage> parts = new TreeMap<>(topic.partitions());
        PartitionImage before = parts.get(partition);
        parts.put(partition, new PartitionImage(partition, before.replicas(), before.isr(), leader, leaderEpoch,
                before.partitionEpoch() + 1));
        TopicImage moved = new TopicImage(name, topic.id(), parts, topic.configs());
        Map<String, TopicImage> byName = new HashMap<>(image.topicsByName());
        Map<Uuid, TopicImage> byId = new HashMap<>(image.topicsById());
        byName.put(name, moved);
        byId.put(moved.id(), moved);
        MetadataImage previous = image;
        image = new MetadataImage(previous.offset() + 1, previous.clusterId(), previous.brokers(), byName, byId,
                previous.nextProducerId());
        for (MetadataListener listener : listeners) {
            listener.onImage(previous, image);
        }
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public synchronized void addListener(MetadataListener listener) {
        listeners.add(listener);
        listener.onImage(null, image);
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
        if (createFailure != null) {
            return CompletableFuture.failedFuture(createFailure);
        }
        if (image.topic(name) != null) {
            return CompletableFuture.failedFuture(new TopicExistsException("Topic '" + name + "' already exists."));
        }
        createdTopics.add(name + " " + numPartitions + " " + replicationFactor + " " + new TreeMap<>(configs));
        return CompletableFuture.completedFuture(putTopic(name, numPartitions, configs).id());
    }

    @Override
    public CompletableFuture<Void> deleteTopic(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> createPartitions(String topic, int newTotalCount, boolean validateOnly) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> alterTopicConfigs(String topic, Map<String, String> changes, boolean incremental,
                                                     boolean validateOnly) {
        throw new UnsupportedOperationException();
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
