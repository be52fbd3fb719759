package io.sluice.log;

/** Runs log housekeeping later (delayed file deletion, background flushes). */
public interface Scheduler {
    void schedule(String name, long delayMs, Runnable task);
}
