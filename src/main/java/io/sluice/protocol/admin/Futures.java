package io.sluice.protocol.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Joins per-item futures without blocking a request thread. */
final class Futures {
    private Futures() {
    }

    /** Completes with every result, in order, once all have completed (they are expected never to fail). */
    static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<T> results = new ArrayList<>(futures.size());
            for (CompletableFuture<T> future : futures) {
                results.add(future.join());
            }
            return results;
        });
    }
}
