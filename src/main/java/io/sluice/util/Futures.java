package io.sluice.util;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Helpers for the futures every layer passes around. Stateless. */
public final class Futures {
    private Futures() {
    }

    /**
     * The failure a future really failed with: CompletionException and ExecutionException wrappers (as added by
     * dependent stages and by {@code get()}) are stripped, so callers can map it to a Kafka error code.
     */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
