package io.sluice.controller;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;

/**
 * How the controller's parts run their operations: one after another, in submission order, each starting once the
 * previous one is applied or failed ({@link QuorumController} owns the queue). The returned futures fail with the
 * bare ApiException so callers can map it to an error code.
 */
interface ControllerQueue {
    <T> CompletableFuture<T> serially(Supplier<CompletableFuture<T>> operation);

    /** As {@link #serially}; when the log rejects the batch with {@code staleSignal}, recomputes it a few times. */
    <T> CompletableFuture<T> retrying(Supplier<CompletableFuture<T>> operation, Class<? extends Throwable> staleSignal);

    /**
     * Runs {@code operation} serially; when the log rejects its batch as computed from a stale image (a node that is
     * not the leader may lag a few entries behind), recomputes it after a short pause.
     */
    default <T> CompletableFuture<T> retryingOnStaleImage(Supplier<CompletableFuture<T>> operation) {
        return retrying(operation, InvalidUpdateVersionException.class);
    }
}
