package io.sluice.metadata;

import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * Immutable view of cluster metadata after applying the metadata log up to {@code offset} (the Raft index of
 * the last applied record batch, -1 for none). Request handlers read the latest image without locks.
 * Unchanged topics are shared between successive images.
 */
public record MetadataImage(long offset, String clusterId, Map<Integer, BrokerImage> brokers,
                            Map<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById,
                            long nextProducerId, Map<String, Map<String, String>> groupConfigs) {

    private static final MetadataImage EMPTY = new MetadataImage(-1L, null, Map.of(), Map.of(), Map.of(), 0L);

    /** An image without group config overrides. */
    public MetadataImage(long offset, String clusterId, Map<Integer, BrokerImage> brokers,
                         Map<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById, long nextProducerId) {
        this(offset, clusterId, brokers, topicsByName, topicsById, nextProducerId, Map.of());
    }

    /** The image before any record has been applied. */
    public static MetadataImage empty() {
        return EMPTY;
    }

    /** The group's config overrides (config resource type GROUP), empty if none. */
    public Map<String, String> groupConfigs(String groupId) {
        return groupConfigs.getOrDefault(groupId, Map.of());
    }

    public TopicImage topic(String name) {
        return topicsByName.get(name);
    }

    public TopicImage topic(Uuid id) {
        return topicsById.get(id);
    }
}
