package io.sluice.group;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Holds back the completion of waiting requests' futures until the group monitor under which they were decided
 * is released. A completed JoinGroup or SyncGroup future runs its callbacks on the completing thread (the network
 * layer writes the response and may go on to that connection's next request), so completing it while a group's
 * monitor is held would let another connection's work run under this group's lock: it could change the group
 * mid-transition or take a second group's monitor (lock-order deadlock).
 *
 * <p>Usage: a section that takes a group's monitor opens a scope around it ({@code try (var s = open()) {
 * synchronized (group) { ... } }}); inside, {@link #complete} queues the completion, and closing the outermost
 * scope, after the monitor is released, completes the queued futures in order. Outside any scope {@link
 * #complete} completes at once.
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
