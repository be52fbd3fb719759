package io.sluice.log;

import io.sluice.util.DaemonThreads;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The single daemon thread "sluice-log-scheduler" running every log background task. */
public final class LogScheduler implements Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(LogScheduler.class);
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("sluice-log-scheduler"));

    @Override
    public void schedule(String name, long delayMs, Runnable task) {
        if (!executor.isShutdown()) {
            executor.schedule(guarded(name, task), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    public void schedulePeriodic(String name, long periodMs, Runnable task) {
        executor.scheduleWithFixedDelay(guarded(name, task), periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops all work. Pending delayed deletions are dropped: the files keep their .deleted or
     * -delete names and are removed at the next start-up.
     */
    public void shutdown() {
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Runnable guarded(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // A failing task must not kill the thread that every other log task runs on.
                LOG.error("Log task {} failed", name, e);
            }
        };
    }
}
