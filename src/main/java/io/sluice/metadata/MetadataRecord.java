package io.sluice.metadata;

import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.Uuid;

/**
 * One change to cluster metadata. A metadata log entry is a batch of these, applied atomically;
 * {@link MetadataDelta} checks each record's expectations against the image it lands on.
 */
public sealed interface MetadataRecord {

    /** Binds the log to a cluster; a second, different id is rejected. */
    record ClusterIdRecord(String clusterId) implements MetadataRecord {
        public ClusterIdRecord {
            Objects.requireNonNull(clusterId, "clusterId");
        }
    }

    /**
     * Adds a broker, or updates the address of a registered one; the broker is unfenced afterwards. The
     * incarnation id changes with every broker process start, so heartbeats of an older process are told apart.
     */
    record RegisterBroker(int brokerId, String host, int port, String rack, Uuid incarnationId)
            implements MetadataRecord {
        public RegisterBroker {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(incarnationId, "incarnationId");
        }

        /** A registration without an incarnation (Uuid.ZERO_UUID): any heartbeat from this broker id is accepted. */
        public RegisterBroker(int brokerId, String host, int port, String rack) {
            this(brokerId, host, port, rack, Uuid.ZERO_UUID);
        }
    }

    /** Marks a registered broker fenced (not eligible for new replicas) or unfenced. */
    record BrokerFencing(int brokerId, boolean fenced) implements MetadataRecord {
    }

    /** Creates a topic; the name and the id must both be new. */
    record TopicRecord(String name, Uuid topicId) implements MetadataRecord {
        public TopicRecord {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /**
     * Creates a partition (partitionEpoch 0, next index of its topic) or replaces an existing one
     * (partitionEpoch exactly one above the recorded epoch, so a change computed from a stale image is rejected).
     * During a reassignment {@code replicas} is the union of the target and the replicas being removed;
     * {@code addingReplicas} and {@code removingReplicas} (both subsets of replicas) say which is which, so
     * whichever node becomes controller can finish or revert it.
     */
    record PartitionRecord(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr, int leader,
                           int leaderEpoch, int partitionEpoch, List<Integer> addingReplicas,
                           List<Integer> removingReplicas) implements MetadataRecord {
        public PartitionRecord {
            Objects.requireNonNull(topicId, "topicId");
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
            addingReplicas = List.copyOf(addingReplicas);
            removingReplicas = List.copyOf(removingReplicas);
        }

        /** A partition with no reassignment in progress. */
        public PartitionRecord(Uuid topicId, int partition, List<Integer> replicas, List<Integer> isr, int leader,
                               int leaderEpoch, int partitionEpoch) {
            this(topicId, partition, replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
        }

        public boolean reassigning() {
            return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
        }
    }

    /** Sets a topic config override, or deletes it when {@code value} is null. */
    record ConfigRecord(Uuid topicId, String key, String value) implements MetadataRecord {
        public ConfigRecord {
            Objects.requireNonNull(topicId, "topicId");
            Objects.requireNonNull(key, "key");
        }
    }

    /** Sets a group config override (config resource type GROUP), or deletes it when {@code value} is null. */
    record GroupConfigRecord(String groupId, String key, String value) implements MetadataRecord {
        public GroupConfigRecord {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(key, "key");
        }
    }

    /** Deletes a topic with all its partitions and configs. */
    record RemoveTopic(Uuid topicId) implements MetadataRecord {
        public RemoveTopic {
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /** Hands ids [firstId, firstId + size) to a broker; firstId must equal the image's next producer id. */
    record ProducerIdBlock(int brokerId, long firstId, int size) implements MetadataRecord {
    }
}
