package io.sluice.replication;

import io.sluice.log.LogManager;
import io.sluice.metadata.BrokerImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import org.apache.kafka.common.TopicPartition;

/** One {@link ReplicaFetcher} thread per leader broker this node follows partitions of, none otherwise. */
final class ReplicaFetchers implements AutoCloseable {
    private final int nodeId;
    private final LogManager logs;
    private final ObjLongConsumer<TopicPartition> onLeaderHighWatermark;
    private final Map<Integer, ReplicaFetcher> byLeader = new HashMap<>();

    ReplicaFetchers(int nodeId, LogManager logs, ObjLongConsumer<TopicPartition> onLeaderHighWatermark) {
        this.nodeId = nodeId;
        this.logs = logs;
        this.onLeaderHighWatermark = onLeaderHighWatermark;
    }

    /** Makes the fetchers follow exactly these partitions (leader id to partition to leader epoch). */
    synchronized void update(Map<Integer, Map<TopicPartition, Integer>> following, Map<Integer, BrokerImage> brokers) {
        for (Integer leader : List.copyOf(byLeader.keySet())) {
            ReplicaFetcher fetcher = byLeader.get(leader);
            BrokerImage broker = brokers.get(leader);
            if (!following.containsKey(leader) || broker == null || !fetcher.targets(broker.host(), broker.port())) {
                byLeader.remove(leader).close();
            }
        }
        following.forEach((leader, partitions) -> {
            BrokerImage broker = brokers.get(leader);
            if (broker == null) {
                return;
            }
            ReplicaFetcher fetcher = byLeader.computeIfAbsent(leader, id -> new ReplicaFetcher(nodeId, id,
                    broker.host(), broker.port(), logs, onLeaderHighWatermark).start());
            fetcher.follow(partitions);
        });
    }

    @Override
    public synchronized void close() {
        byLeader.values().forEach(ReplicaFetcher::close);
        byLeader.clear();
    }
}
