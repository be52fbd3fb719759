package io.sluice.testing;

import io.sluice.controller.Controller;
import io.sluice.log.LogManager;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.partition.FetchTransport;
import io.sluice.partition.ReplicaManager;
import io.sluice.util.DaemonThreads;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A {@link ReplicaManager} for tests that drive it with hand-made images: no controller (ISR changes are refused),
 * no network (a follower's fetcher cannot connect and retries quietly), a shared daemon timer for acks=all timeouts.
 */
public final class TestReplicas {
    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("test-replicas-timer"));
    /** Followers in these tests have no leader to reach. */
    public static final FetchTransport.Factory NO_NETWORK = (nodeId, host, port) -> {
        throw new IOException("no network in this test");
    };

    private TestReplicas() {
    }

    public static ReplicaManager replicaManager(int nodeId, LogManager logs, Map<String, String> topicDefaults) {
        return replicaManager(nodeId, logs, topicDefaults, Time.SYSTEM);
    }

    public static ReplicaManager replicaManager(int nodeId, LogManager logs, Map<String, String> topicDefaults,
                                                Time time) {
        return new ReplicaManager(nodeId, logs, topicDefaults, new Controller() {
        }, TIMER, 30_000, time, NO_NETWORK);
    }

    /** An image holding one topic with these partitions (and no brokers), its id derived from its name. */
    public static MetadataImage imageOf(String topic, PartitionImage... partitions) {
        TreeMap<Integer, PartitionImage> byIndex = new TreeMap<>();
        for (PartitionImage partition : partitions) {
            byIndex.put(partition.partition(), partition);
        }
        TopicImage image = new TopicImage(topic, new Uuid(1, topic.hashCode()), byIndex, Map.of());
        return new MetadataImage(1, "cluster", Map.of(), Map.of(topic, image), Map.of(image.id(), image), 0);
    }

    /** Topic "t" as node 1 sees it: partition 0 led by node 1 alone, partition 1 led by node 2 and followed here. */
    public static MetadataImage ledHereAndElsewhere() {
        return imageOf("t", new PartitionImage(0, List.of(1), List.of(1), 1, 0, 0),
                new PartitionImage(1, List.of(2, 1), List.of(2, 1), 2, 0, 0));
    }
}
