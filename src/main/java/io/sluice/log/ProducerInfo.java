package io.sluice.log;

/**
 * One active producer on a partition, for DescribeProducers: {@code currentTxnStartOffset} is where its open
 * transaction starts (-1 if none), {@code coordinatorEpoch} the epoch of the coordinator that last ended one.
 */
public record ProducerInfo(long producerId, short producerEpoch, int lastSequence, long lastTimestamp,
                           long currentTxnStartOffset, int coordinatorEpoch) {
}
