package io.sluice.broker;

import io.sluice.controller.Controller;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out producer ids from blocks the controller reserved for this broker in the metadata log,
 * so ids stay unique across restarts without a write per producer.
 */
public final class ProducerIdManager {
    static final int BLOCK_SIZE = 1000;

    private final int brokerId;
    private final Controller controller;
    private long next;
    private long blockEnd;
    private CompletableFuture<Void> refill;

    public ProducerIdManager(int brokerId, Controller controller) {
        this.brokerId = brokerId;
        this.controller = controller;
    }

    public synchronized CompletableFuture<Long> nextId() {
        if (next < blockEnd) {
            return CompletableFuture.completedFuture(next++);
        }
        if (refill == null || refill.isDone()) {
            refill = controller.allocateProducerIds(brokerId, BLOCK_SIZE).thenAccept(this::installBlock);
        }
        return refill.thenCompose(ignored -> nextId());
    }

    private synchronized void installBlock(long firstId) {
        next = firstId;
        blockEnd = firstId + BLOCK_SIZE;
    }
}
