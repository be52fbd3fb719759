package io.sluice.coordinator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue of events that run one at a time, in submission order, on an executor: the unit of serial execution of
 * the coordinators (one per coordinator partition in {@link CoordinatorRuntime}, one per group bucket in the group
 * coordinator). An event runs holding no lock and adds the callbacks it decided on (futures to complete) to a list
 * that is run once it has returned, so no callback runs inside an event's work.
 *
 * <p>Threading: {@link #submit} may be called from any thread, including from inside an event or a callback (the
 * event is queued behind the running ones). The queue is guarded by this object's monitor, held only to add or take
 * an event; at most one thread drains at a time.
 */
public final class EventQueue {
    private static final Logger LOG = LoggerFactory.getLogger(EventQueue.class);

    /** An event: runs alone in its queue and adds what to complete once it has run. */
    @FunctionalInterface
    public interface Event {
        void run(List<Runnable> completions);
    }

    private final String name;
    private final Executor executor;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private boolean draining;

    public EventQueue(String name, Executor executor) {
        this.name = name;
        this.executor = executor;
    }

    public void submit(Event event) {
        synchronized (this) {
            events.add(event);
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException stopping) {
            // The broker is stopping and its event threads are gone; the events still run (an unload waited on by
            // the metadata thread must answer), here, holding no lock.
            drain();
        }
    }

    /** Runs the queued events one after another until none is left. */
    private void drain() {
        while (true) {
            Event event;
            synchronized (this) {
                event = events.poll();
                if (event == null) {
                    draining = false;
                    return;
                }
            }
            List<Runnable> completions = new ArrayList<>();
            try {
                event.run(completions);
            } catch (RuntimeException e) {
                LOG.error("An event of {} failed", name, e);
            }
            for (Runnable completion : completions) {
                try {
                    completion.run();
                } catch (RuntimeException e) {
                    LOG.warn("A callback of {} failed", name, e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "EventQueue(" + name + ")";
    }
}
