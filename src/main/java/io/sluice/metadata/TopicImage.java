package io.sluice.metadata;

import java.util.Map;
import java.util.SortedMap;
import org.apache.kafka.common.Uuid;

/** A topic: name, id, partitions by index and its config overrides (only keys set on the topic). */
public record TopicImage(String name, Uuid id, SortedMap<Integer, PartitionImage> partitions,
                         Map<String, String> configs) {
}
