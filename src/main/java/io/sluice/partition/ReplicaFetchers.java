package io.sluice.partition;

import io.sluice.metadata.BrokerImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * One {@link ReplicaFetcher} thread per leader broker this node follows partitions of, none otherwise. Updated from
 * the metadata apply thread; its methods are synchronized.
 */
final class ReplicaFetchers implements AutoCloseable {
    private final int nodeId;
    private final FetchTransport.Factory transports;
    private final Map<Integer, ReplicaFetcher> byLeader = new HashMap<>();

    ReplicaFetchers(int nodeId, FetchTransport.Factory transports) {
        this.nodeId = nodeId;
        this.transports = transports;
    }

    /** Makes the fetchers follow exactly these partitions (leader id to the partitions it leads). */
    synchronized void update(Map<Integer, Map<TopicPartition, Partition>> following, Map<Integer, BrokerImage> brokers) {
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
                    broker.host(), broker.port(), transports).start());
            fetcher.follow(partitions);
        });
    }

    @Override
    public synchronized void close() {
        byLeader.values().forEach(ReplicaFetcher::close);
        byLeader.clear();
    }
}
