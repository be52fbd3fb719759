package io.sluice.network;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broker's request threads: where handlers run, never the network threads. Work that becomes
 * ready on a request thread (a long-poll fetch woken by an append, the next request of a
 * connection) can go on right there instead of waking another thread.
 */
public final class RequestThreads {

    private static final class RequestThread extends Thread {
        RequestThread(Runnable task, String name) {
            super(task, name);
            setDaemon(true);
        }
    }

    private RequestThreads() {
    }

    public static ExecutorService create(int count) {
        AtomicInteger ids = new AtomicInteger();
        return Executors.newFixedThreadPool(count, task -> new RequestThread(task, "sluice-request-" + ids.incrementAndGet()));
    }

    /** Whether the calling thread is a request thread, where handler work may run. */
    public static boolean isCurrent() {
        return Thread.currentThread() instanceof RequestThread;
    }
}
