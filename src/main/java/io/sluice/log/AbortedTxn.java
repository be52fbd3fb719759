package io.sluice.log;

/**
 * An aborted transaction of one producer on one partition: its records lie between firstOffset and lastOffset (the
 * abort marker), and a read_committed consumer drops them. {@code lastStableOffset} is the partition's first unstable
 * offset once the abort was written. One entry of a segment's {@code .txnindex}, in Kafka's format.
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {
}
