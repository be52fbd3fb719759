package io.sluice.replication;

import io.sluice.log.EpochEndOffset;
import io.sluice.log.Log;
import io.sluice.log.LogManager;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the partitions this node follows from one leader broker: a thread sending full Fetch requests
 * (version 12, topics by name, replica id = this node) over a plain socket, each partition from its local
 * log end offset, and appending what comes back to the local logs as it is. Each fetch carries the epoch of the
 * local log's newest batch (KIP-320): when the leader answers that this epoch ends earlier on its side, the
 * divergent tail is truncated ({@link DivergenceTruncation}) before fetching again.
 */
final class ReplicaFetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetcher.class);
    private static final short FETCH_VERSION = 12;
    private static final int MAX_WAIT_MS = 500;
    private static final int PARTITION_MAX_BYTES = 1024 * 1024;
    private static final int RESPONSE_MAX_BYTES = 10 * 1024 * 1024;
    private static final int SOCKET_TIMEOUT_MS = 15_000;
    private static final long BACKOFF_MS = 200;

    private final int nodeId;
    private final int leaderId;
    private final String host;
    private final int port;
    private final LogManager logs;
    private final ObjLongConsumer<TopicPartition> onLeaderHighWatermark;
    private final Object monitor = new Object();
    private final Thread thread;
    private volatile Map<TopicPartition, Integer> partitions = Map.of();
    private volatile boolean running = true;
    /** The last failure reported, so that a retried failure is logged once. */
    private String lastFailure;
    private Socket socket;
    private int correlationId;

    ReplicaFetcher(int nodeId, int leaderId, String host, int port, LogManager logs,
                   ObjLongConsumer<TopicPartition> onLeaderHighWatermark) {
        this.nodeId = nodeId;
        this.leaderId = leaderId;
        this.host = host;
        this.port = port;
        this.logs = logs;
        this.onLeaderHighWatermark = onLeaderHighWatermark;
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

    /** Partition to the leader epoch it is fetched in. */
    void follow(Map<TopicPartition, Integer> newPartitions) {
        partitions = Map.copyOf(newPartitions);
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    private void run() {
        while (running) {
            Map<TopicPartition, Integer> current = partitions;
            try {
                if (current.isEmpty() || !fetchOnce(current)) {
                    pause();
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    reportFailure("Fetch from leader " + leaderId + " at " + host + ":" + port + " failed: " + e, e);
                    closeSocket();
                    pause();
                }
            }
        }
        closeSocket();
    }

    /** One fetch round trip; returns false when the next one should wait a little (errors, nothing local). */
    private boolean fetchOnce(Map<TopicPartition, Integer> current) throws IOException {
        Map<String, FetchTopic> topics = new HashMap<>();
        Map<TopicPartition, Log> localLogs = new HashMap<>();
        for (Map.Entry<TopicPartition, Integer> entry : current.entrySet()) {
            TopicPartition tp = entry.getKey();
            Log local = logs.get(tp);
            if (local == null) {
                continue;
            }
            localLogs.put(tp, local);
            topics.computeIfAbsent(tp.topic(), name -> new FetchTopic().setTopic(name)).partitions()
                    .add(new FetchPartition().setPartition(tp.partition()).setCurrentLeaderEpoch(entry.getValue())
                            .setFetchOffset(local.logEndOffset()).setLogStartOffset(local.logStartOffset())
                            .setLastFetchedEpoch(local.latestEpoch()).setPartitionMaxBytes(PARTITION_MAX_BYTES));
        }
        if (topics.isEmpty()) {
            return false;
        }
        FetchRequestData request = new FetchRequestData().setReplicaId(nodeId).setMaxWaitMs(MAX_WAIT_MS).setMinBytes(1)
                .setMaxBytes(RESPONSE_MAX_BYTES).setIsolationLevel((byte) 0).setSessionId(0).setSessionEpoch(-1)
                .setTopics(List.copyOf(topics.values()));
        FetchResponseData response = send(request);
        boolean healthy = response.errorCode() == Errors.NONE.code();
        for (FetchableTopicResponse topic : response.responses()) {
            for (PartitionData data : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.topic(), data.partitionIndex());
                Log local = localLogs.get(tp);
                if (local == null || !current.containsKey(tp)) {
                    continue;
                }
                if (data.errorCode() == Errors.OFFSET_OUT_OF_RANGE.code() && data.logStartOffset() > local.logEndOffset()) {
                    log.info("{} ends at {}, before the log start {} of leader {}: starting over there", tp,
                            local.logEndOffset(), data.logStartOffset(), leaderId);
                    local.truncateFullyAndStartAt(data.logStartOffset());
                    continue;
                }
                if (data.errorCode() != Errors.NONE.code()) {
                    reportFailure("Fetching " + tp + " from leader " + leaderId + ": " + Errors.forCode(data.errorCode()),
                            null);
                    healthy = false;
                    continue;
                }
                if (data.divergingEpoch().epoch() >= 0) {
                    truncateDivergent(tp, local, data.divergingEpoch());
                    continue;
                }
                healthy &= append(tp, local, data);
            }
        }
        if (healthy) {
            lastFailure = null;
        }
        return healthy;
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

    private void truncateDivergent(TopicPartition tp, Log local, FetchResponseData.EpochEndOffset diverging) {
        long end = local.logEndOffset();
        int localEpoch = local.latestEpoch();
        long removed = DivergenceTruncation.apply(local, new EpochEndOffset(diverging.epoch(), diverging.endOffset()));
        log.info("{} diverged from leader {}: its epoch {} ends at {} there, local epoch {} at {}; removed {} offsets,"
                        + " now ending at {}", tp, leaderId, diverging.epoch(), diverging.endOffset(), localEpoch, end,
                removed, local.logEndOffset());
    }

    private boolean append(TopicPartition tp, Log local, PartitionData data) {
        MemoryRecords records = (MemoryRecords) data.records();
        try {
            if (records != null && records.sizeInBytes() > 0) {
                local.appendAsFollower(records);
            }
            onLeaderHighWatermark.accept(tp, Math.min(data.highWatermark(), local.logEndOffset()));
            return true;
        } catch (ApiException e) {
            log.warn("Could not append the batches of {} fetched from leader {}: {}", tp, leaderId, e.getMessage());
            return false;
        }
    }

    private FetchResponseData send(FetchRequestData request) throws IOException {
        if (!running) {
            throw new IOException("The fetcher is closed");
        }
        if (socket == null) {
            Socket fresh = new Socket();
            fresh.connect(new InetSocketAddress(host, port), SOCKET_TIMEOUT_MS);
            fresh.setSoTimeout(SOCKET_TIMEOUT_MS);
            fresh.setTcpNoDelay(true);
            socket = fresh;
        }
        int id = ++correlationId;
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.FETCH.id)
                .setRequestApiVersion(FETCH_VERSION).setCorrelationId(id).setClientId("sluice-replica-" + nodeId);
        short headerVersion = ApiKeys.FETCH.requestHeaderVersion(FETCH_VERSION);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + request.size(cache, FETCH_VERSION);
        ByteBuffer frame = ByteBuffer.allocate(4 + size);
        frame.putInt(size);
        ByteBufferAccessor writer = new ByteBufferAccessor(frame);
        header.write(writer, cache, headerVersion);
        request.write(writer, cache, FETCH_VERSION);
        OutputStream out = socket.getOutputStream();
        out.write(frame.array());
        out.flush();

        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        ByteBuffer buffer = ByteBuffer.wrap(body);
        ByteBufferAccessor reader = new ByteBufferAccessor(buffer);
        ResponseHeaderData responseHeader = new ResponseHeaderData(reader, ApiKeys.FETCH.responseHeaderVersion(FETCH_VERSION));
        if (responseHeader.correlationId() != id) {
            throw new IOException("Response correlation id " + responseHeader.correlationId() + " != " + id);
        }
        FetchResponseData response = new FetchResponseData();
        response.read(reader, FETCH_VERSION);
        return response;
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

    private void closeSocket() {
        Socket current = socket;
        socket = null;
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // Closing a broken connection; nothing more to do.
            }
        }
    }

    @Override
    public void close() {
        running = false;
        // No Thread.interrupt(): an interrupt that lands while the thread reads or appends a log segment closes that
        // segment's FileChannel for good (ClosedByInterruptException), breaking the partition on this broker. The
        // thread wakes from its back-off through the monitor and from a blocked fetch through the closed socket.
        synchronized (monitor) {
            monitor.notifyAll();
        }
        Socket current = socket;
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // The fetch thread sees the closed socket and exits.
            }
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
