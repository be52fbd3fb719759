package io.sluice.coordinator;

import io.sluice.util.Futures;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the coordinators kept in the partitions of an internal topic (__consumer_offsets for the group coordinator,
 * __transaction_state for the transaction coordinator), modelled on Kafka's {@code CoordinatorRuntime}. Each coordinator
 * partition has a queue of events (writes, loads, unloads, replication answers) that run one at a time, in order,
 * on the given executor; different partitions run in parallel.
 *
 * <p>A write operation sees the changes still waiting for replication and returns the records to append (or a
 * transaction marker to write), the change they make and its response. The runtime appends the records as leader (acks=all) and parks the response: the
 * change reaches the coordinator's state ({@code applyCommitted}), and the response is released, only once the
 * in-sync replicas hold the records, in log order. A write answered after its partition was unloaded or reloaded
 * never reaches the state; its response carries the replication outcome.
 *
 * <p>Threading rule: events run on the executor one at a time per partition and hold no lock while running; the
 * futures an event answers are completed after it has run, so their callbacks (a handler building a response, a
 * connection resuming) never run inside an event's critical section.
 *
 * @param <C> what one write changes in the coordinator's state
 */
public final class CoordinatorRuntime<C> {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorRuntime.class);
    private final String topic;
    private final PartitionWriter writer;
    private final Consumer<C> applyCommitted;
    private final Executor executor;
    private final long writeTimeoutMs;
    private final List<CoordinatorPartition> partitions;

    /**
     * @param applyCommitted applies a replicated change to the coordinator's state; runs in the change's partition
     *                       event, in log order
     */
    public CoordinatorRuntime(String topic, int numPartitions, PartitionWriter writer, Consumer<C> applyCommitted,
                              Executor executor, long writeTimeoutMs) {
        this.topic = topic;
        this.writer = writer;
        this.applyCommitted = applyCommitted;
        this.executor = executor;
        this.writeTimeoutMs = writeTimeoutMs;
        List<CoordinatorPartition> all = new ArrayList<>(numPartitions);
        for (int i = 0; i < numPartitions; i++) {
            all.add(new CoordinatorPartition(new TopicPartition(topic, i)));
        }
        this.partitions = List.copyOf(all);
    }

    /**
     * What a write operation decided: records to append or a transaction marker to write (neither: nothing to
     * write), the change, the response.
     */
    public record WriteResult<C, T>(MemoryRecords records, TxnMarker marker, C change, T response) {
        public WriteResult(MemoryRecords records, C change, T response) {
            this(records, null, change, response);
        }

        public static <C, T> WriteResult<C, T> nothing(T response) {
            return new WriteResult<>(null, null, null, response);
        }

        public static <C, T> WriteResult<C, T> marker(TxnMarker marker, C change, T response) {
            return new WriteResult<>(null, marker, change, response);
        }

        boolean writesNothing() {
            return marker == null && (records == null || records.sizeInBytes() == 0);
        }
    }

    /** A write: from the partition's changes not yet in the state (oldest first), what to write. */
    @FunctionalInterface
    public interface WriteOperation<C, T> {
        WriteResult<C, T> run(List<C> pending);
    }

    /** Whether the partition's coordinator state is loaded and served here. */
    public boolean isLoaded(int partition) {
        return partitions.get(partition).loaded;
    }

    /**
     * Runs a write in the partition's event queue. Fails with NOT_COORDINATOR when the partition is not loaded here;
     * otherwise completes with the operation's response once its records are replicated, or fails with the append's
     * error (NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS...).
     */
    public <T> CompletableFuture<T> scheduleWrite(int partition, WriteOperation<C, T> operation) {
        CoordinatorPartition context = partitions.get(partition);
        CompletableFuture<T> response = new CompletableFuture<>();
        context.submit(completions -> write(context, operation, response, completions));
        return response;
    }

    /**
     * Loads the partition's state in its event queue: {@code load} rebuilds it (from the leader's log) and returns
     * how many records it replayed. Writes still waiting from an earlier load will not reach the new state.
     */
    public CompletableFuture<Long> scheduleLoad(int partition, Supplier<Long> load) {
        CoordinatorPartition context = partitions.get(partition);
        CompletableFuture<Long> done = new CompletableFuture<>();
        context.submit(completions -> {
            context.generation++;
            context.loaded = false;
            try {
                long records = load.get();
                context.loaded = true;
                completions.add(() -> done.complete(records));
            } catch (RuntimeException e) {
                completions.add(() -> done.completeExceptionally(e));
            }
        });
        return done;
    }

    /** Stops serving the partition; {@code forget} drops its state. */
    public CompletableFuture<Void> scheduleUnload(int partition, Runnable forget) {
        CoordinatorPartition context = partitions.get(partition);
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.submit(completions -> {
            context.generation++;
            context.loaded = false;
            forget.run();
            completions.add(() -> done.complete(null));
        });
        return done;
    }

    private <T> void write(CoordinatorPartition context, WriteOperation<C, T> operation, CompletableFuture<T> response,
                           List<Runnable> completions) {
        if (!context.loaded) {
            completions.add(() -> response.completeExceptionally(new NotCoordinatorException(
                    "The coordinators of " + context.tp + " are not served by this node")));
            return;
        }
        WriteResult<C, T> result;
        CompletableFuture<Errors> replicated;
        try {
            result = operation.run(context.pendingChanges());
            if (result.writesNothing()) {
                completions.add(() -> response.complete(result.response()));
                return;
            }
            replicated = (result.marker() != null
                    ? writer.appendTxnMarker(context.tp, result.marker(), writeTimeoutMs)
                    : writer.appendAsLeader(context.tp, result.records(), writeTimeoutMs)).replicated();
        } catch (RuntimeException e) {
            completions.add(() -> response.completeExceptionally(e));
            return;
        }
        PendingWrite<C, T> pending = new PendingWrite<>(result.change(), result.response(), response,
                context.generation);
        context.pending.add(pending);
        if (replicated.isDone()) {
            answered(context, pending, outcomeOf(replicated), completions);
        } else {
            replicated.whenComplete((error, failure) -> context.submit(
                    later -> answered(context, pending, failure == null ? error : Errors.forException(
                            Futures.unwrap(failure)), later)));
        }
    }

    private static Errors outcomeOf(CompletableFuture<Errors> done) {
        try {
            return done.join();
        } catch (RuntimeException e) {
            return Errors.forException(Futures.unwrap(e));
        }
    }

    /** In the partition's event: records one write's outcome and releases, in log order, every answered write. */
    private void answered(CoordinatorPartition context, PendingWrite<C, ?> write, Errors outcome,
                          List<Runnable> completions) {
        write.outcome = outcome;
        while (!context.pending.isEmpty() && context.pending.peek().outcome != null) {
            PendingWrite<C, ?> head = context.pending.poll();
            if (head.outcome == Errors.NONE && context.loaded && head.generation == context.generation) {
                try {
                    applyCommitted.accept(head.change);
                } catch (RuntimeException e) {
                    // The write is in the log whatever the state did with it; its caller still gets an answer.
                    LOG.error("Applying a replicated write of {} failed", context.tp, e);
                }
            }
            completions.add(head::complete);
        }
    }

    /** A write appended and waiting for replication; {@code outcome} is null until replication answers. */
    private static final class PendingWrite<C, T> {
        final C change;
        final T response;
        final CompletableFuture<T> future;
        final long generation;
        Errors outcome;

        PendingWrite(C change, T response, CompletableFuture<T> future, long generation) {
            this.change = change;
            this.response = response;
            this.future = future;
            this.generation = generation;
        }

        void complete() {
            if (outcome == Errors.NONE) {
                future.complete(response);
            } else {
                future.completeExceptionally(outcome.exception());
            }
        }
    }

    /**
     * One coordinator partition: its event queue and, touched only by its events, the load generation and the writes
     * waiting for replication.
     */
    private final class CoordinatorPartition {
        final TopicPartition tp;
        private final EventQueue events;
        volatile boolean loaded;
        long generation;
        final ArrayDeque<PendingWrite<C, ?>> pending = new ArrayDeque<>();

        CoordinatorPartition(TopicPartition tp) {
            this.tp = tp;
            this.events = new EventQueue("coordinator partition " + tp, executor);
        }

        List<C> pendingChanges() {
            List<C> changes = new ArrayList<>(pending.size());
            for (PendingWrite<C, ?> write : pending) {
                // Answered writes queued behind an unanswered one are not in the state yet either.
                if (write.outcome == null || write.outcome == Errors.NONE) {
                    changes.add(write.change);
                }
            }
            return changes;
        }

        void submit(EventQueue.Event event) {
            events.submit(event);
        }
    }

    @Override
    public String toString() {
        return "CoordinatorRuntime(" + topic + ", " + partitions.size() + " partitions)";
    }
}
