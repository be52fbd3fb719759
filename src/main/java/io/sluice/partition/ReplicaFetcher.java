package io.sluice.partition;

import io.sluice.log.EpochEndOffset;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the partitions this node follows from one leader broker: a thread sending full Fetch requests (replica id =
 * this node) over a {@link FetchTransport}, each partition from its local log end, and handing what comes back to the
 * follower {@link Partition}. Each fetch carries the epoch of the local log's newest batch (KIP-320): when the leader
 * answers that this epoch ends earlier on its side, the partition cuts its divergent tail before fetching again.
 * Every change is made in the leader epoch the fetch was sent in; a partition that changed role meanwhile refuses it.
 *
 * <p>Threading: one thread of its own runs {@link #fetchOnce}; {@link #follow} and {@link #close} come from the
 * metadata apply thread.
 */
final class ReplicaFetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
    private static final int MAX_WAIT_MS = 500;
    private static final int PARTITION_MAX_BYTES = 1024 * 1024;
    private static final int RESPONSE_MAX_BYTES = 10 * 1024 * 1024;
    private static final long BACKOFF_MS = 200;

    private final int nodeId;
    private final int leaderId;
    private final String host;
    private final int port;
    private final FetchTransport.Factory transports;
    private final Object monitor = new Object();
    private final Thread thread;
    private volatile Map<TopicPartition, Partition> partitions = Map.of();
    private volatile boolean running = true;
    private volatile FetchTransport transport;
    /** The last failure reported, so that a retried failure is logged once. */
    private String lastFailure;

    ReplicaFetcher(int nodeId, int leaderId, String host, int port, FetchTransport.Factory transports) {
        this.nodeId = nodeId;
        this.leaderId = leaderId;
        this.host = host;
        this.port = port;
        this.transports = transports;
        this.thread = new Thread(this::run, "sluice-replica-fetcher-" + nodeId + "-from-" + leaderId);
        this.thread.setDaemon(true);
    }

    ReplicaFetcher start() {
        thread.start();
        return this;
    }

    boolean targets(String otherHost, int otherPort) {
        return host.equals(otherHost) && port == otherPort;
    }

    void follow(Map<TopicPartition, Partition> newPartitions) {
        partitions = Map.copyOf(newPartitions);
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    private void run() {
        while (running) {
            try {
                if (!fetchOnce()) {
                    pause();
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    reportFailure("Fetch from leader " + leaderId + " at " + host + ":" + port + " failed: " + e, e);
                    closeTransport();
                    pause();
                }
            }
        }
        closeTransport();
    }

    /** One fetch round trip; returns false when the next one should wait a little (errors, nothing to fetch). */
    boolean fetchOnce() throws IOException {
        Map<TopicPartition, Partition> current = partitions;
        Map<String, FetchTopic> topics = new HashMap<>();
        Map<TopicPartition, Integer> sentInEpoch = new HashMap<>();
        for (Map.Entry<TopicPartition, Partition> entry : current.entrySet()) {
            TopicPartition tp = entry.getKey();
            Partition.FollowerPosition position = entry.getValue().followerPosition();
            sentInEpoch.put(tp, position.leaderEpoch());
            topics.computeIfAbsent(tp.topic(), name -> new FetchTopic().setTopic(name)).partitions()
                    .add(new FetchPartition().setPartition(tp.partition()).setCurrentLeaderEpoch(position.leaderEpoch())
                            .setFetchOffset(position.fetchOffset()).setLogStartOffset(position.logStartOffset())
                            .setLastFetchedEpoch(position.lastFetchedEpoch()).setPartitionMaxBytes(PARTITION_MAX_BYTES));
        }
        if (topics.isEmpty()) {
            return false;
        }
        FetchRequestData request = new FetchRequestData().setReplicaId(nodeId).setMaxWaitMs(MAX_WAIT_MS).setMinBytes(1)
                .setMaxBytes(RESPONSE_MAX_BYTES).setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1)
                .setTopics(List.copyOf(topics.values()));
        FetchResponseData response = connection().fetch(request);
        boolean healthy = response.errorCode() == Errors.NONE.code();
        for (FetchableTopicResponse topic : response.responses()) {
            for (PartitionData data : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.topic(), data.partitionIndex());
                Partition partition = current.get(tp);
                if (partition != null) {
                    healthy &= handle(tp, partition, sentInEpoch.get(tp), data);
                }
            }
        }
        if (healthy) {
            lastFailure = null;
        }
        return healthy;
    }

    /** Applies one partition's answer; returns false when it was an error worth backing off for. */
    private boolean handle(TopicPartition tp, Partition partition, int epoch, PartitionData data) {
        long localEnd = partition.followerPosition().fetchOffset();
        if (data.errorCode() == Errors.OFFSET_OUT_OF_RANGE.code() && data.logStartOffset() > localEnd) {
            log.info("{} ends at {}, before the log start {} of leader {}: starting over there", tp, localEnd,
                    data.logStartOffset(), leaderId);
            partition.truncateFullyAndStartAt(data.logStartOffset(), epoch);
            return true;
        }
        if (data.errorCode() != Errors.NONE.code()) {
            reportFailure("Fetching " + tp + " from leader " + leaderId + ": " + Errors.forCode(data.errorCode()), null);
            return false;
        }
        if (data.divergingEpoch().epoch() >= 0) {
            EpochEndOffset leaderEnd = new EpochEndOffset(data.divergingEpoch().epoch(), data.divergingEpoch().endOffset());
            long removed = partition.truncateDivergent(leaderEnd, epoch);
            log.info("{} diverged from leader {}: its epoch {} ends at {} there, the local log at {}; removed {} offsets",
                    tp, leaderId, leaderEnd.epoch(), leaderEnd.endOffset(), localEnd, removed);
            return true;
        }
        try {
            partition.appendAsFollower((MemoryRecords) data.records(), data.highWatermark(), epoch);
            return true;
        } catch (ApiException e) {
            log.warn("Could not append the batches of {} fetched from leader {}: {}", tp, leaderId, e.getMessage());
            return false;
        }
    }

    private FetchTransport connection() throws IOException {
        if (!running) {
            throw new IOException("The fetcher is closed");
        }
        FetchTransport open = transport;
        if (open == null) {
            open = transports.connect(nodeId, host, port);
            transport = open;
            if (!running) {
                closeTransport();
                throw new IOException("The fetcher is closed");
            }
        }
        return open;
    }

    /**
     * Logs a failure once until another one (or a success) comes: a fetcher retries every few hundred milliseconds,
     * and the same message each time would drown the log while a leader is down.
     */
    private void reportFailure(String failure, Exception cause) {
        if (!failure.equals(lastFailure)) {
            lastFailure = failure;
            if (cause instanceof RuntimeException) {
                log.warn(failure, cause);
            } else {
                log.info(failure);
            }
        }
    }

    private void pause() {
        synchronized (monitor) {
            try {
                monitor.wait(BACKOFF_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    private void closeTransport() {
        FetchTransport current = transport;
        transport = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public void close() {
        running = false;
        // No Thread.interrupt(): an interrupt that lands while the thread reads or appends a log segment closes that
        // segment's FileChannel for good (ClosedByInterruptException), breaking the partition on this broker. The
        // thread wakes from its back-off through the monitor and from a blocked fetch through the closed transport.
        synchronized (monitor) {
            monitor.notifyAll();
        }
        closeTransport();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
