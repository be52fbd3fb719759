package io.sluice.group;

import io.sluice.util.DaemonThreads;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wall-clock timer on one daemon thread. Heartbeats re-arm a member's session timer every few seconds, so
 * cancelled tasks are removed from the queue at once instead of piling up until their deadline.
 */
public final class ExecutorGroupTimer implements GroupTimer, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExecutorGroupTimer.class);

    private final ScheduledThreadPoolExecutor executor;

    public ExecutorGroupTimer() {
        executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("sluice-group-timer"));
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nowMs() {
        return System.currentTimeMillis();
    }

    @Override
    public Scheduled schedule(long delayMs, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.error("Group timer task failed", e);
            }
        }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
