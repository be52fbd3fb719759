package io.sluice.transaction;

import io.sluice.broker.BrokerConnections;
import io.sluice.coordinator.TxnMarker;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.util.Futures;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a decided transaction's COMMIT or ABORT marker to every partition it touched, as Kafka's
 * {@code TransactionMarkerChannelManager} does: to each partition's current leader, this node's partitions directly
 * and the others' with WriteTxnMarkers, retried (finding the leader again) until each partition holds the marker or
 * no longer exists. When all do, the coordinator records the transaction complete. A transaction this node stops
 * coordinating (its __transaction_state partition moved) is dropped: the new coordinator writes its markers again.
 *
 * <p>Threading: everything runs on one scheduled thread of its own; local writes complete on other threads and
 * come back to it. Remote writes block that thread for at most the socket timeout.
 */
public final class TransactionMarkerSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionMarkerSender.class);
    private static final long RETRY_MS = 100;
    private static final int SOCKET_TIMEOUT_MS = 15_000;
    private static final short WRITE_TXN_MARKERS_VERSION = 1;

    /** Writes one marker to one partition this node leads, answering once its in-sync replicas hold it. */
    @FunctionalInterface
    public interface LocalMarkerWriter {
        CompletableFuture<Errors> write(TopicPartition tp, TxnMarker marker);
    }

    private final int nodeId;
    private final Supplier<MetadataImage> metadata;
    private final LocalMarkerWriter local;
    private final TransactionCoordinator coordinator;
    private final ScheduledExecutorService thread;
    private final BrokerConnections connections;

    /** One transaction's markers still to write. Touched only on the sender's thread. */
    private final class Pending {
        final String transactionalId;
        final TxnMarker marker;
        final Set<TopicPartition> remaining;
        final Set<TopicPartition> inFlight = new HashSet<>();
        boolean retryScheduled;

        Pending(String transactionalId, TxnMarker marker, Collection<TopicPartition> partitions) {
            this.transactionalId = transactionalId;
            this.marker = marker;
            this.remaining = new HashSet<>(partitions);
        }
    }

    public TransactionMarkerSender(int nodeId, Supplier<MetadataImage> metadata, LocalMarkerWriter local,
                                   TransactionCoordinator coordinator, ScheduledExecutorService thread) {
        this.nodeId = nodeId;
        this.metadata = metadata;
        this.local = local;
        this.coordinator = coordinator;
        this.thread = thread;
        this.connections = new BrokerConnections("sluice-txn-markers-" + nodeId, SOCKET_TIMEOUT_MS);
    }

    /** Starts writing the markers; returns at once. */
    public void send(String transactionalId, TxnMarker marker, Collection<TopicPartition> partitions) {
        Pending pending = new Pending(transactionalId, marker, partitions);
        try {
            thread.execute(() -> attempt(pending));
        } catch (RejectedExecutionException stopping) {
            // The broker is stopping: whoever coordinates the id next finds it decided and writes its markers.
            log.debug("Not writing the markers of {}: the sender is stopped", transactionalId);
        }
    }

    private void attempt(Pending pending) {
        pending.retryScheduled = false;
        if (!coordinator.coordinates(pending.transactionalId, pending.marker.coordinatorEpoch())) {
            log.debug("Dropping the markers of {}: no longer coordinated here in epoch {}", pending.transactionalId,
                    pending.marker.coordinatorEpoch());
            return;
        }
        if (pending.remaining.isEmpty()) {
            coordinator.markersWritten(pending.transactionalId, pending.marker);
            return;
        }
        MetadataImage image = metadata.get();
        Map<Integer, List<TopicPartition>> byLeader = new HashMap<>();
        for (TopicPartition tp : List.copyOf(pending.remaining)) {
            if (pending.inFlight.contains(tp)) {
                continue;
            }
            TopicImage topic = image.topic(tp.topic());
            PartitionImage partition = topic == null ? null : topic.partitions().get(tp.partition());
            if (partition == null) {
                // The topic or partition was deleted: there is nothing left to mark, as in Kafka.
                pending.remaining.remove(tp);
            } else if (partition.leader() < 0) {
                retryLater(pending);
            } else {
                byLeader.computeIfAbsent(partition.leader(), l -> new ArrayList<>()).add(tp);
            }
        }
        if (pending.remaining.isEmpty()) {
            coordinator.markersWritten(pending.transactionalId, pending.marker);
            return;
        }
        for (Map.Entry<Integer, List<TopicPartition>> leader : byLeader.entrySet()) {
            pending.inFlight.addAll(leader.getValue());
            if (leader.getKey() == nodeId) {
                for (TopicPartition tp : leader.getValue()) {
                    writeLocally(pending, tp);
                }
            } else {
                writeRemotely(pending, image.brokers().get(leader.getKey()), leader.getValue());
            }
        }
    }

    private void writeLocally(Pending pending, TopicPartition tp) {
        CompletableFuture<Errors> written;
        try {
            written = local.write(tp, pending.marker);
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        written.whenComplete((error, failure) -> {
            try {
                thread.execute(() -> answered(pending, tp,
                        failure == null ? error : Errors.forException(Futures.unwrap(failure))));
            } catch (RejectedExecutionException stopping) {
                log.debug("Marker of {} for {} answered after the sender stopped", pending.transactionalId, tp);
            }
        });
    }

    private void writeRemotely(Pending pending, BrokerImage leader, List<TopicPartition> tps) {
        if (leader == null) {
            tps.forEach(tp -> answered(pending, tp, Errors.NOT_LEADER_OR_FOLLOWER));
            return;
        }
        Map<String, List<Integer>> byTopic = new HashMap<>();
        tps.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        WritableTxnMarker marker = new WritableTxnMarker().setProducerId(pending.marker.producerId())
                .setProducerEpoch(pending.marker.producerEpoch()).setTransactionResult(pending.marker.commit())
                .setCoordinatorEpoch(pending.marker.coordinatorEpoch());
        byTopic.forEach((topic, indexes) -> marker.topics().add(new WritableTxnMarkerTopic().setName(topic)
                .setPartitionIndexes(indexes)));
        WriteTxnMarkersRequestData request = new WriteTxnMarkersRequestData().setMarkers(List.of(marker));
        Map<TopicPartition, Errors> answers = new HashMap<>();
        try {
            WriteTxnMarkersResponseData response = connections.send(leader, ApiKeys.WRITE_TXN_MARKERS,
                    WRITE_TXN_MARKERS_VERSION, request, new WriteTxnMarkersResponseData());
            response.markers().forEach(result -> result.topics().forEach(topic -> topic.partitions().forEach(
                    partition -> answers.put(new TopicPartition(topic.name(), partition.partitionIndex()),
                            Errors.forCode(partition.errorCode())))));
        } catch (IOException | RuntimeException e) {
            log.debug("WriteTxnMarkers to node {} failed: {}", leader.id(), e.toString());
        }
        tps.forEach(tp -> answered(pending, tp, answers.getOrDefault(tp, Errors.NETWORK_EXCEPTION)));
    }

    /** On the sender's thread: one partition's answer. */
    private void answered(Pending pending, TopicPartition tp, Errors error) {
        pending.inFlight.remove(tp);
        switch (error) {
            // Written; or the partition is gone; or it already holds a newer producer epoch's marker or data, so
            // this transaction is over there, as Kafka concludes.
            case NONE, UNKNOWN_TOPIC_OR_PARTITION, INVALID_PRODUCER_EPOCH, PRODUCER_FENCED -> pending.remaining.remove(tp);
            case TRANSACTION_COORDINATOR_FENCED -> {
                log.info("Markers of {} refused by {}: a newer coordinator took over", pending.transactionalId, tp);
                pending.remaining.clear();
                pending.inFlight.clear();
                return;
            }
            default -> {
                log.debug("Marker of {} for {} not written yet ({}); retrying", pending.transactionalId, tp, error);
                retryLater(pending);
            }
        }
        if (pending.remaining.isEmpty() && pending.inFlight.isEmpty()) {
            coordinator.markersWritten(pending.transactionalId, pending.marker);
        }
    }

    private void retryLater(Pending pending) {
        if (!pending.retryScheduled) {
            pending.retryScheduled = true;
            thread.schedule(() -> attempt(pending), RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        connections.close();
    }
}
