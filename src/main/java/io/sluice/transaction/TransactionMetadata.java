package io.sluice.transaction;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What the coordinator keeps for one transactional id: its producer id and epoch (and the epoch before the last
 * bump, to recognise a retried InitProducerId), the transaction timeout, the state, the partitions of the open
 * transaction, and when it started and last changed. With transactions version 2 an EndTxn whose epoch bump would
 * overflow hands the producer a new producer id: {@code nextProducerId} holds it until the transaction completes,
 * and {@code previousProducerId} the one it replaced. Immutable: a change is a new value, written to
 * __transaction_state and applied once replicated; {@link #transitionTo} is the one place the state changes and it
 * checks {@link TransactionState}'s table.
 */
public record TransactionMetadata(String transactionalId, long producerId, short producerEpoch, short lastProducerEpoch,
                                  int timeoutMs, TransactionState state, Set<TopicPartition> partitions,
                                  long txnStartTimestamp, long lastUpdateTimestamp, long previousProducerId,
                                  long nextProducerId) {
    public TransactionMetadata {
        partitions = Set.copyOf(partitions);
    }

    /** A transactional id seen for the first time: no epoch yet (the first InitProducerId makes it 0). */
    static TransactionMetadata fresh(String transactionalId, long producerId, int timeoutMs, long nowMs) {
        return new TransactionMetadata(transactionalId, producerId, (short) -1, (short) -1, timeoutMs,
                TransactionState.EMPTY, Set.of(), -1, nowMs, -1, -1);
    }

    /** The next state, with everything else as given; throws IllegalStateException off the transition table. */
    TransactionMetadata transitionTo(TransactionState next, long newProducerId, short newEpoch, int newTimeoutMs,
                                     Set<TopicPartition> newPartitions, long startTimestamp, long nowMs) {
        if (!next.canFollow(state)) {
            throw new IllegalStateException("Transaction " + transactionalId + " cannot go from " + state + " to "
                    + next);
        }
        short last = newEpoch != producerEpoch ? producerEpoch : lastProducerEpoch;
        long previous = newProducerId != producerId ? producerId : previousProducerId;
        return new TransactionMetadata(transactionalId, newProducerId, newEpoch, last, newTimeoutMs, next,
                newPartitions, startTimestamp, nowMs, previous, nextProducerId);
    }

    /** The same producer and epoch in the next state. */
    TransactionMetadata transitionTo(TransactionState next, long nowMs) {
        return transitionTo(next, producerId, producerEpoch, timeoutMs, partitions, txnStartTimestamp, nowMs);
    }

    /** The same, with the producer id the producer was told to use once this transaction completes (-1: none). */
    TransactionMetadata withNextProducerId(long next) {
        return new TransactionMetadata(transactionalId, producerId, producerEpoch, lastProducerEpoch, timeoutMs, state,
                partitions, txnStartTimestamp, lastUpdateTimestamp, previousProducerId, next);
    }

    /** ONGOING with the partitions added; a new transaction starts its clock. */
    TransactionMetadata withPartitionsAdded(Collection<TopicPartition> added, long nowMs) {
        Set<TopicPartition> all = new HashSet<>(state == TransactionState.ONGOING ? partitions : Set.of());
        all.addAll(added);
        long start = state == TransactionState.ONGOING ? txnStartTimestamp : nowMs;
        return transitionTo(TransactionState.ONGOING, producerId, producerEpoch, timeoutMs, all, start, nowMs);
    }

    /** An epoch bump would overflow: the next InitProducerId needs a new producer id. */
    boolean epochExhausted() {
        return producerEpoch >= Short.MAX_VALUE - 1;
    }

    short bumpedEpoch() {
        return (short) (producerEpoch + 1);
    }

    boolean hasExpired(long nowMs) {
        return state == TransactionState.ONGOING && txnStartTimestamp >= 0 && nowMs > txnStartTimestamp + timeoutMs;
    }
}
