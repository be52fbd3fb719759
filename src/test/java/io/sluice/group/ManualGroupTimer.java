package io.sluice.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A timer whose clock only moves when the test advances it; due tasks run on the test's thread, in due order. */
public final class ManualGroupTimer implements GroupTimer {
    private final class Task implements Scheduled {
        final long dueMs;
        final long sequence;
        final Runnable action;
        boolean cancelled;

        Task(long dueMs, long sequence, Runnable action) {
            this.dueMs = dueMs;
            this.sequence = sequence;
            this.action = action;
        }

        @Override
        public void cancel() {
            cancelled = true;
            tasks.remove(this);
        }
    }

    private final List<Task> tasks = new ArrayList<>();
    private long nowMs = 1_000_000L;
    private long sequence;

    @Override
    public synchronized long nowMs() {
        return nowMs;
    }

    @Override
    public synchronized Scheduled schedule(long delayMs, Runnable action) {
        Task task = new Task(nowMs + Math.max(0, delayMs), sequence++, action);
        tasks.add(task);
        return task;
    }

    /** Moves the clock forward, running every task that falls due on the way (including ones they schedule). */
    public void advance(long ms) {
        long target;
        synchronized (this) {
            target = nowMs + ms;
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.dueMs <= target)
                        .min(Comparator.comparingLong((Task t) -> t.dueMs).thenComparingLong(t -> t.sequence))
                        .orElse(null);
                if (next == null) {
                    nowMs = target;
                    return;
                }
                tasks.remove(next);
                nowMs = Math.max(nowMs, next.dueMs);
            }
            if (!next.cancelled) {
                next.action.run();
            }
        }
    }

    synchronized int pendingTasks() {
        return tasks.size();
    }
}
