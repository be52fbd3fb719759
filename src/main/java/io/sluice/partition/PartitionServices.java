package io.sluice.partition;

import io.sluice.controller.AlterPartitionRequest;
import io.sluice.metadata.PartitionImage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.apache.kafka.common.utils.Time;

/**
 * What every {@link Partition} on a broker shares: this node's id, the long-poll wake-ups, the timer for acks=all
 * timeouts, the clock, {@code replica.lag.time.max.ms}, the way to ask the controller for an ISR change, and which
 * brokers may join an ISR now (Kafka's leader does not propose fenced brokers).
 */
public record PartitionServices(int nodeId, AppendWatchers watchers, ScheduledExecutorService timer, Time time,
                                long lagMaxMs,
                                Function<AlterPartitionRequest, CompletableFuture<PartitionImage>> alterPartition,
                                IntPredicate eligibleForIsr) {
}
