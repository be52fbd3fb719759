package io.sluice.network;

import io.sluice.util.DaemonThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The broker's request threads: where handlers run, never the network threads. Work that becomes
 * ready because of another connection's request (a long-poll fetch woken by an append, a connection
 * whose acks=all produce completed) is submitted here as a task of its own.
 */
public final class RequestThreads {
    private RequestThreads() {
    }

    public static ExecutorService create(int count) {
        return Executors.newFixedThreadPool(count, DaemonThreads.numbered("sluice-request"));
    }
}
