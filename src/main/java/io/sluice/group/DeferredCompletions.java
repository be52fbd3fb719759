package io.sluice.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Holds back the completion of waiting requests' futures until the group event that decided them has finished. A
 * completed JoinGroup or SyncGroup future runs its callbacks on the completing thread, so completing it in the
 * middle of a group's change would let other work (another request for the group, submitted from a callback) see
 * the group half-changed.
 *
 * <p>Usage: {@link Groups#run} opens a scope around each event; inside, {@link #complete} queues the completion,
 * and closing the outermost scope, after the event's work, completes the queued futures in order. Outside any scope
 * {@link #complete} completes at once.
 *
 * <p>Threading: one queue per thread (a scope never crosses threads); nothing here is shared.
 */
final class DeferredCompletions implements AutoCloseable {
    private static final ThreadLocal<DeferredCompletions> CURRENT = new ThreadLocal<>();

    private final List<Runnable> queued = new ArrayList<>();
    private int depth;

    private DeferredCompletions() {
    }

    /** Opens a scope on this thread; nested scopes join the outermost one. */
    static DeferredCompletions open() {
        DeferredCompletions current = CURRENT.get();
        if (current == null) {
            current = new DeferredCompletions();
            CURRENT.set(current);
        }
        current.depth++;
        return current;
    }

    /** Completes the future once the outermost open scope closes, or now when no scope is open. */
    static <T> void complete(CompletableFuture<T> future, T value) {
        DeferredCompletions current = CURRENT.get();
        if (current == null) {
            future.complete(value);
        } else {
            current.queued.add(() -> future.complete(value));
        }
    }

    /**
     * Ends this scope; the outermost one completes what was queued. A completion whose callbacks open a scope of
     * their own gets a fresh one, flushed when they close it.
     */
    @Override
    public void close() {
        if (--depth > 0) {
            return;
        }
        CURRENT.remove();
        for (Runnable completion : queued) {
            completion.run();
        }
    }
}
