package io.sluice.metadata;

import io.sluice.metadata.MetadataRecord.BrokerFencing;
import io.sluice.metadata.MetadataRecord.ClusterIdRecord;
import io.sluice.metadata.MetadataRecord.ConfigRecord;
import io.sluice.metadata.MetadataRecord.GroupConfigRecord;
import io.sluice.metadata.MetadataRecord.PartitionRecord;
import io.sluice.metadata.MetadataRecord.ProducerIdBlock;
import io.sluice.metadata.MetadataRecord.RegisterBroker;
import io.sluice.metadata.MetadataRecord.RemoveTopic;
import io.sluice.metadata.MetadataRecord.TopicRecord;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * Applies records on top of a base image, checking each record's expectations, and builds the next image.
 * Maps are copied only when first written and only touched topics are rebuilt, so an unchanged TopicImage
 * is shared with the base image. A rejected record leaves the base image untouched: callers simply drop the delta.
 */
public final class MetadataDelta {
    private final MetadataImage base;
    private final boolean restoring;
    private String clusterId;
    private long nextProducerId;
    private Map<Integer, BrokerImage> brokers;
    private boolean brokersCopied;
    private Map<String, TopicImage> topicsByName;
    private Map<Uuid, TopicImage> topicsById;
    private boolean topicsCopied;
    private Map<String, Map<String, String>> groupConfigs;
    private boolean groupConfigsCopied;
    /** Topics created or changed in this delta, keyed by id, built into images at the end. */
    private final Map<Uuid, TopicBuilder> touched = new LinkedHashMap<>();

    public MetadataDelta(MetadataImage base) {
        this(base, false);
    }

    /** A delta that rebuilds an image from a snapshot, where partitions arrive with their recorded epochs. */
    static MetadataDelta restoring() {
        return new MetadataDelta(MetadataImage.empty(), true);
    }

    private MetadataDelta(MetadataImage base, boolean restoring) {
        this.restoring = restoring;
        this.base = base;
        this.clusterId = base.clusterId();
        this.nextProducerId = base.nextProducerId();
        this.brokers = base.brokers();
        this.topicsByName = base.topicsByName();
        this.topicsById = base.topicsById();
        this.groupConfigs = base.groupConfigs();
    }

    public void applyAll(List<? extends MetadataRecord> records) throws RejectedBatchException {
        for (MetadataRecord record : records) {
            apply(record);
        }
    }

    public void apply(MetadataRecord record) throws RejectedBatchException {
        if (record instanceof ClusterIdRecord r) {
            applyClusterId(r);
        } else if (record instanceof RegisterBroker r) {
            copyBrokers();
            brokers.put(r.brokerId(), new BrokerImage(r.brokerId(), r.host(), r.port(), r.rack(), false,
                    r.incarnationId()));
        } else if (record instanceof BrokerFencing r) {
            BrokerImage broker = brokers.get(r.brokerId());
            if (broker == null) {
                throw new RejectedBatchException(Errors.BROKER_ID_NOT_REGISTERED,
                        "Broker " + r.brokerId() + " is not registered.");
            }
            copyBrokers();
            brokers.put(r.brokerId(), broker.withFenced(r.fenced()));
        } else if (record instanceof TopicRecord r) {
            applyTopic(r);
        } else if (record instanceof PartitionRecord r) {
            applyPartition(r);
        } else if (record instanceof ConfigRecord r) {
            TopicBuilder topic = touch(r.topicId());
            if (r.value() == null) {
                topic.configs.remove(r.key());
            } else {
                topic.configs.put(r.key(), r.value());
            }
        } else if (record instanceof GroupConfigRecord r) {
            applyGroupConfig(r);
        } else if (record instanceof RemoveTopic r) {
            applyRemoveTopic(r);
        } else if (record instanceof ProducerIdBlock r) {
            applyProducerIdBlock(r);
        } else {
            throw new RejectedBatchException(Errors.UNKNOWN_SERVER_ERROR, "Unknown record " + record);
        }
    }

    public MetadataImage build(long offset) {
        if (!touched.isEmpty()) {
            copyTopics();
            for (TopicBuilder builder : touched.values()) {
                TopicImage topic = builder.build();
                topicsById.put(topic.id(), topic);
                topicsByName.put(topic.name(), topic);
            }
        }
        return new MetadataImage(offset, clusterId,
                brokersCopied ? Collections.unmodifiableMap(brokers) : base.brokers(),
                topicsCopied ? Collections.unmodifiableMap(topicsByName) : base.topicsByName(),
                topicsCopied ? Collections.unmodifiableMap(topicsById) : base.topicsById(),
                nextProducerId, groupConfigsCopied ? Collections.unmodifiableMap(groupConfigs) : base.groupConfigs());
    }

    private void applyGroupConfig(GroupConfigRecord r) {
        if (!groupConfigsCopied) {
            groupConfigs = new HashMap<>(groupConfigs);
            groupConfigsCopied = true;
        }
        Map<String, String> configs = new HashMap<>(groupConfigs.getOrDefault(r.groupId(), Map.of()));
        if (r.value() == null) {
            configs.remove(r.key());
        } else {
            configs.put(r.key(), r.value());
        }
        if (configs.isEmpty()) {
            groupConfigs.remove(r.groupId());
        } else {
            groupConfigs.put(r.groupId(), Collections.unmodifiableMap(configs));
        }
    }

    private void applyClusterId(ClusterIdRecord r) throws RejectedBatchException {
        if (clusterId != null && !clusterId.equals(r.clusterId())) {
            throw new RejectedBatchException(Errors.INCONSISTENT_CLUSTER_ID,
                    "The metadata log belongs to cluster " + clusterId + ", not " + r.clusterId() + ".");
        }
        clusterId = r.clusterId();
    }

    private void applyTopic(TopicRecord r) throws RejectedBatchException {
        if (nameInUse(r.name())) {
            throw new RejectedBatchException(Errors.TOPIC_ALREADY_EXISTS, "Topic '" + r.name() + "' already exists.");
        }
        if (touched.containsKey(r.topicId()) || topicsById.containsKey(r.topicId())) {
            throw new RejectedBatchException(Errors.INVALID_REQUEST, "Topic id " + r.topicId() + " is already in use.");
        }
        touched.put(r.topicId(), new TopicBuilder(r.name(), r.topicId()));
    }

    private void applyPartition(PartitionRecord r) throws RejectedBatchException {
        TopicBuilder topic = touch(r.topicId());
        PartitionImage current = topic.partitions.get(r.partition());
        if (current == null) {
            if (r.partition() != topic.partitions.size() || (r.partitionEpoch() != 0 && !restoring)) {
                throw new RejectedBatchException(Errors.INVALID_PARTITIONS, "Partition " + r.partition()
                        + " of topic '" + topic.name + "' cannot be created: the topic has "
                        + topic.partitions.size() + " partitions.");
            }
        } else if (r.partitionEpoch() != current.partitionEpoch() + 1) {
            throw new RejectedBatchException(Errors.INVALID_UPDATE_VERSION, "Partition " + topic.name + "-"
                    + r.partition() + " is at epoch " + current.partitionEpoch() + ", the change expected "
                    + (r.partitionEpoch() - 1) + ".");
        }
        if (current != null && !restoring && r.leader() >= 0) {
            checkIsrAdditions(topic.name, current, r);
        }
        if (!r.replicas().containsAll(r.addingReplicas()) || !r.replicas().containsAll(r.removingReplicas())) {
            throw new RejectedBatchException(Errors.INVALID_REPLICA_ASSIGNMENT, "Partition " + topic.name + "-"
                    + r.partition() + ": adding " + r.addingReplicas() + " and removing " + r.removingReplicas()
                    + " replicas must be among its replicas " + r.replicas() + ".");
        }
        topic.partitions.put(r.partition(), new PartitionImage(r.partition(), r.replicas(), r.isr(), r.leader(),
                r.leaderEpoch(), r.partitionEpoch(), r.addingReplicas(), r.removingReplicas()));
    }

    /**
     * A replica may join the ISR only while registered and unfenced, judged by the brokers as of this record: an
     * ISR change computed from a view that missed a fencing is refused, even when the fencing left the partition's
     * epoch alone (the broker was not in its ISR). Leaderless partitions are exempt: their ISR only remembers who
     * may lead when a broker returns.
     */
    private void checkIsrAdditions(String topicName, PartitionImage current, PartitionRecord r)
            throws RejectedBatchException {
        for (int member : r.isr()) {
            if (current.isr().contains(member)) {
                continue;
            }
            BrokerImage broker = brokers.get(member);
            if (broker == null || broker.fenced()) {
                throw new RejectedBatchException(Errors.INELIGIBLE_REPLICA, "Replica " + member + " of "
                        + topicName + "-" + r.partition() + " is fenced or not registered and cannot join the ISR.");
            }
        }
    }

    private void applyRemoveTopic(RemoveTopic r) throws RejectedBatchException {
        TopicBuilder pending = touched.remove(r.topicId());
        TopicImage existing = topicsById.get(r.topicId());
        if (pending == null && existing == null) {
            throw new RejectedBatchException(Errors.UNKNOWN_TOPIC_ID, "Topic id " + r.topicId() + " does not exist.");
        }
        if (existing != null) {
            copyTopics();
            topicsById.remove(r.topicId());
            topicsByName.remove(existing.name());
        }
    }

    private void applyProducerIdBlock(ProducerIdBlock r) throws RejectedBatchException {
        if (r.firstId() != nextProducerId || r.size() <= 0 || Long.MAX_VALUE - r.firstId() < r.size()) {
            throw new RejectedBatchException(Errors.INVALID_REQUEST, "Producer id block [" + r.firstId() + ", +"
                    + r.size() + ") does not start at the next free producer id " + nextProducerId + ".");
        }
        nextProducerId = r.firstId() + r.size();
    }

    private TopicBuilder touch(Uuid topicId) throws RejectedBatchException {
        TopicBuilder builder = touched.get(topicId);
        if (builder != null) {
            return builder;
        }
        TopicImage existing = topicsById.get(topicId);
        if (existing == null) {
            throw new RejectedBatchException(Errors.UNKNOWN_TOPIC_ID, "Topic id " + topicId + " does not exist.");
        }
        builder = new TopicBuilder(existing);
        touched.put(topicId, builder);
        return builder;
    }

    private boolean nameInUse(String name) {
        if (topicsByName.containsKey(name)) {
            return true;
        }
        for (TopicBuilder builder : touched.values()) {
            if (builder.name.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private void copyBrokers() {
        if (!brokersCopied) {
            brokers = new HashMap<>(brokers);
            brokersCopied = true;
        }
    }

    private void copyTopics() {
        if (!topicsCopied) {
            topicsByName = new HashMap<>(topicsByName);
            topicsById = new HashMap<>(topicsById);
            topicsCopied = true;
        }
    }

    /** Mutable working copy of one topic while a batch is applied. */
    private static final class TopicBuilder {
        final String name;
        final Uuid id;
        final TreeMap<Integer, PartitionImage> partitions;
        final Map<String, String> configs;

        TopicBuilder(String name, Uuid id) {
            this.name = name;
            this.id = id;
            this.partitions = new TreeMap<>();
            this.configs = new HashMap<>();
        }

        TopicBuilder(TopicImage image) {
            this.name = image.name();
            this.id = image.id();
            this.partitions = new TreeMap<>(image.partitions());
            this.configs = new HashMap<>(image.configs());
        }

        TopicImage build() {
            return new TopicImage(name, id, Collections.unmodifiableSortedMap(partitions),
                    Collections.unmodifiableMap(configs));
        }
    }
}
