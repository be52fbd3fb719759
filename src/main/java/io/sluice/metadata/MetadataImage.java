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
                            long nextProducerId) {

    private static final MetadataImage EMPTY = new MetadataImage(-1L, null, Map.of(), Map.of(), Map.of(), 0L);

    /** The image before any record has been applied. */
    public static MetadataImage empty() {
        return EMPTY;
    }

    public TopicImage topic(String name) {
        return topicsByName.get(name);
    }

    public TopicImage topic(Uuid id) {
        return topicsById.get(id);
    }
}
