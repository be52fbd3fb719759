package io.sluice.group;

/**
 * The coordinator's only source of time: the current time and delayed tasks. Production runs tasks on a
 * scheduler thread; tests advance a manual clock so session and rebalance timeouts fire without sleeping.
 */
public interface GroupTimer {
    /** A scheduled task that may be called off before it runs. */
    interface Scheduled {
        void cancel();
    }

    long nowMs();

    /** Runs the task once, delayMs from now (at once for 0). */
    Scheduled schedule(long delayMs, Runnable task);
}
