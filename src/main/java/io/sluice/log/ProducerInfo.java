package io.sluice.log;

/** One active idempotent producer on a partition, for DescribeProducers. */
public record ProducerInfo(long producerId, short producerEpoch, int lastSequence, long lastTimestamp,
                           long currentTxnStartOffset) {
}
