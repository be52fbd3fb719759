package io.sluice.coordinator;

/**
 * A transaction coordinator's decision for one producer's transaction, as written to each partition it touched:
 * COMMIT or ABORT, with the producer's epoch and the coordinator's epoch (the leader epoch of its
 * __transaction_state partition), which fence markers from older producers and older coordinators.
 */
public record TxnMarker(long producerId, short producerEpoch, int coordinatorEpoch, boolean commit) {
}
