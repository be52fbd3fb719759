package io.sluice.log;

import io.sluice.util.DaemonThreads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the logs whose cleanup.policy includes compact, on its own daemon thread
 * "sluice-log-cleaner" every log.cleaner.backoff.ms: each pass cleans, dirtiest first, every log that
 * {@link LogToClean#shouldClean} picks. Where each log's dirty range starts survives restarts in each
 * log dir's cleaner-offset-checkpoint (Kafka's file), so clean data is not cleaned again.
 */
final class LogCleaner {
    static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

    private final Time time;
    private final Supplier<Map<TopicPartition, Log>> logs;
    private final Function<TopicPartition, Path> logDirOf;
    private final Map<Path, Map<TopicPartition, Long>> checkpoints = new HashMap<>();
    private final LogCompactor compactor;
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong logsCleaned = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private ScheduledThreadPoolExecutor executor;
    private volatile boolean stopping;

    LogCleaner(List<Path> logDirs, Time time, Supplier<Map<TopicPartition, Log>> logs,
               Function<TopicPartition, Path> logDirOf) {
        this.time = time;
        this.logs = logs;
        this.logDirOf = logDirOf;
        this.compactor = new LogCompactor(LogCompactor.DEFAULT_MAX_MAP_ENTRIES, () -> stopping);
        for (Path logDir : logDirs) {
            checkpoints.put(logDir, new HashMap<>(RecoveryPointCheckpoint.read(logDir, CHECKPOINT_FILE)));
        }
    }

    synchronized void startup(long backoffMs) {
        executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("sluice-log-cleaner"));
        executor.scheduleWithFixedDelay(() -> {
            try {
                cleanPass();
            } catch (RuntimeException e) {
                LOG.error("Log cleaner pass failed", e);
            }
        }, backoffMs, backoffMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops the thread, letting a pass in progress give up at its next chunk. The thread is never
     * interrupted: an interrupt would close the FileChannels that readers share.
     */
    void shutdown() {
        ScheduledThreadPoolExecutor running;
        synchronized (this) {
            running = executor;
            executor = null;
        }
        if (running == null) {
            return;
        }
        stopping = true;
        running.shutdown();
        try {
            running.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One pass over every compacted log; returns how many were cleaned. */
    int cleanPass() {
        synchronized (compactor) {
            passes.incrementAndGet();
            long now = time.milliseconds();
            List<LogToClean> candidates = new ArrayList<>();
            logs.get().forEach((tp, log) -> {
                if (log.config().compactEnabled()) {
                    candidates.add(LogToClean.of(tp, log, firstDirtyOffset(tp, log), now));
                }
            });
            candidates.sort(Comparator.comparingDouble(LogToClean::dirtyRatio).reversed());
            int cleaned = 0;
            for (LogToClean candidate : candidates) {
                if (stopping) {
                    break;
                }
                if (candidate.shouldClean(now) && clean(candidate, now)) {
                    cleaned++;
                }
            }
            return cleaned;
        }
    }

    private boolean clean(LogToClean candidate, long now) {
        try {
            CleanResult result = compactor.clean(candidate.log(), candidate.firstDirtyOffset(), now);
            bytesRead.addAndGet(result.bytesRead());
            if (!result.completed()) {
                return false;
            }
            logsCleaned.incrementAndGet();
            updateCheckpoint(candidate.partition(), result.endOffset());
            LOG.debug("Cleaned {}: {}", candidate.partition(), result);
            return true;
        } catch (LogCompactor.CleaningAbortedException e) {
            return false;
        } catch (RuntimeException e) {
            LOG.error("Cannot clean {}", candidate.partition(), e);
            return false;
        }
    }

    /** The checkpoint, unless it fell outside the log (retention, truncation, a new log): then the log start. */
    private synchronized long firstDirtyOffset(TopicPartition tp, Log log) {
        Path dir = logDirOf.apply(tp);
        Long checkpoint = dir == null ? null : checkpoints.getOrDefault(dir, Map.of()).get(tp);
        if (checkpoint == null || checkpoint < log.logStartOffset() || checkpoint > log.logEndOffset()) {
            return log.logStartOffset();
        }
        return checkpoint;
    }

    private synchronized void updateCheckpoint(TopicPartition tp, long offset) {
        Path dir = logDirOf.apply(tp);
        if (dir == null) {
            return;
        }
        Map<TopicPartition, Long> offsets = checkpoints.computeIfAbsent(dir, d -> new HashMap<>());
        offsets.put(tp, offset);
        RecoveryPointCheckpoint.write(dir, CHECKPOINT_FILE, offsets);
    }

    /** Drops a deleted partition's checkpoint entry. */
    synchronized void forget(TopicPartition tp, Path dir) {
        Map<TopicPartition, Long> offsets = checkpoints.get(dir);
        if (offsets != null && offsets.remove(tp) != null) {
            RecoveryPointCheckpoint.write(dir, CHECKPOINT_FILE, offsets);
        }
    }

    /** What the cleaner has done since start-up. */
    CleanerStats stats() {
        return new CleanerStats(passes.get(), logsCleaned.get(), bytesRead.get());
    }
}
