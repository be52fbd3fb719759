package io.sluice.metadata;

import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * Immutable view of cluster metadata after applying the metadata log up to {@code offset}.
 * Request handlers read the latest image without locks.
 * CONTRACT STUB: implemented in the metadata package work.
 */
public record MetadataImage(long offset, String clusterId, Map<Integer, BrokerImage> brokers,
                            Map<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById,
                            long nextProducerId) {
}
