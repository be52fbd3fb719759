package io.sluice.protocol.txn;

import io.sluice.coordinator.TxnMarker;
import io.sluice.group.OffsetStore;
import io.sluice.group.offsets.OffsetsTopic;
import io.sluice.partition.PartitionLookup;
import io.sluice.transaction.TransactionMarkerSender;
import io.sluice.util.Futures;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/**
 * Writes a transaction marker to a partition led here, for WriteTxnMarkers and for this node's own coordinator:
 * into a data partition's log as leader (acks=all), or, for a __consumer_offsets partition, through the group
 * coordinator's offsets store, which commits or drops the transaction's offsets with it.
 */
public final class PartitionMarkerWriter implements TransactionMarkerSender.LocalMarkerWriter {
    /** As Kafka's request.timeout.ms for a coordinator's marker writes. */
    private static final long TIMEOUT_MS = 30_000;

    private final PartitionLookup partitions;
    private final OffsetStore offsets;

    public PartitionMarkerWriter(PartitionLookup partitions, OffsetStore offsets) {
        this.partitions = partitions;
        this.offsets = offsets;
    }

    @Override
    public CompletableFuture<Errors> write(TopicPartition tp, TxnMarker marker) {
        try {
            if (tp.topic().equals(OffsetsTopic.NAME)) {
                return offsets.completeTransaction(tp.partition(), marker).handle((done, failure) ->
                        failure == null ? Errors.NONE : Errors.forException(Futures.unwrap(failure)));
            }
            return partitions.partition(tp).appendTxnMarker(marker.producerId(), marker.producerEpoch(),
                    marker.coordinatorEpoch(), marker.commit(), TIMEOUT_MS).replicated();
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(Errors.forException(e));
        }
    }
}
