package io.sluice.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the broker's background threads. They are daemons so that a broker that failed half-way
 * through start-up never keeps the JVM alive; orderly stops go through each owner's close(). Stateless.
 */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** Every thread gets the same name: for single-thread executors. */
    public static ThreadFactory named(String name) {
        return runnable -> daemon(runnable, name);
    }

    /** Threads named prefix-1, prefix-2, ... */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> daemon(runnable, prefix + "-" + count.incrementAndGet());
    }

    public static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
