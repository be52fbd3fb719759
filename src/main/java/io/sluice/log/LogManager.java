package io.sluice.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every partition log under log.dirs: loads them at start-up (recovering after an unclean stop),
 * runs retention, flush and log compaction in the background, writes recovery checkpoints and the
 * clean-shutdown marker.
 */
public final class LogManager {
    public static final String CLEAN_SHUTDOWN_MARKER = ".sluice_cleanshutdown";
    static final String DELETE_DIR_SUFFIX = "-delete";
    public static final long DEFAULT_STRAY_DELETE_DELAY_MS = 24 * 60 * 60 * 1000L;
    static final long RECOVERY_CHECKPOINT_INTERVAL_MS = 60_000;
    static final long FLUSH_CHECK_INTERVAL_MS = 1_000;
    static final long DEFAULT_CLEANER_BACKOFF_MS = 15_000;
    private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);

    private final List<Path> logDirs;
    private final Map<String, String> brokerLogDefaults;
    private final long retentionCheckIntervalMs;
    private final Time time;
    private final LogScheduler scheduler = new LogScheduler();
    private final Map<TopicPartition, Log> logs = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Path> logDirOf = new ConcurrentHashMap<>();
    private final boolean cleanerEnabled;
    private final long cleanerBackoffMs;
    private final LogCleaner cleaner;
    private volatile boolean started;
    private volatile long strayDeleteDelayMs = DEFAULT_STRAY_DELETE_DELAY_MS;
    /** Kafka's producer.id.expiration.ms and producer.id.expiration.check.interval.ms defaults. */
    private volatile long producerIdExpirationMs = 86_400_000;
    private volatile long producerIdExpirationCheckIntervalMs = 600_000;

    /** With the log cleaner on and Kafka's log.cleaner.backoff.ms (15 s). */
    public LogManager(List<Path> logDirs, Map<String, String> brokerLogDefaults,
                      long retentionCheckIntervalMs, org.apache.kafka.common.utils.Time time) {
        this(logDirs, brokerLogDefaults, retentionCheckIntervalMs, true, DEFAULT_CLEANER_BACKOFF_MS, time);
    }

    /**
     * cleanerEnabled and cleanerBackoffMs are log.cleaner.enable and log.cleaner.backoff.ms: whether
     * compacted topics are compacted in the background, and how long the cleaner rests between passes.
     */
    public LogManager(List<Path> logDirs, Map<String, String> brokerLogDefaults, long retentionCheckIntervalMs,
                      boolean cleanerEnabled, long cleanerBackoffMs, org.apache.kafka.common.utils.Time time) {
        if (logDirs.isEmpty()) {
            throw new IllegalArgumentException("At least one log dir is required");
        }
        this.logDirs = List.copyOf(logDirs);
        this.brokerLogDefaults = Map.copyOf(brokerLogDefaults);
        this.retentionCheckIntervalMs = retentionCheckIntervalMs;
        this.time = time;
        this.cleanerEnabled = cleanerEnabled;
        this.cleanerBackoffMs = cleanerBackoffMs;
        LogConfig.of(Map.of(), this.brokerLogDefaults);
        this.cleaner = new LogCleaner(this.logDirs, time, () -> logs, logDirOf::get);
    }

    public long strayDeleteDelayMs() {
        return strayDeleteDelayMs;
    }

    /** How long a stray log (see {@link #markStray}) is kept before it is deleted; set before {@link #startup}. */
    public void setStrayDeleteDelayMs(long delayMs) {
        this.strayDeleteDelayMs = delayMs;
    }

    /** Loads every partition directory, then starts retention, flush and checkpoint tasks. */
    /** producer.id.expiration.ms and how often it is checked; call before {@link #startup()}. */
    public void setProducerIdExpiration(long expirationMs, long checkIntervalMs) {
        this.producerIdExpirationMs = expirationMs;
        this.producerIdExpirationCheckIntervalMs = checkIntervalMs;
    }

    public synchronized void startup() {
        if (started) {
            return;
        }
        for (Path logDir : logDirs) {
            loadLogDir(logDir);
        }
        scheduler.schedulePeriodic("retention", retentionCheckIntervalMs, this::cleanupLogs);
        scheduler.schedulePeriodic("flush", FLUSH_CHECK_INTERVAL_MS, this::flushDirtyLogs);
        scheduler.schedulePeriodic("recovery-checkpoint", RECOVERY_CHECKPOINT_INTERVAL_MS, this::checkpointRecoveryPoints);
        scheduler.schedulePeriodic("producer-expiration", producerIdExpirationCheckIntervalMs, this::expireProducers);
        if (cleanerEnabled) {
            cleaner.startup(cleanerBackoffMs);
        }
        started = true;
    }

    private void loadLogDir(Path logDir) {
        try {
            Files.createDirectories(logDir);
            Path marker = logDir.resolve(CLEAN_SHUTDOWN_MARKER);
            boolean clean = Files.exists(marker);
            Map<TopicPartition, Long> recoveryPoints = RecoveryPointCheckpoint.read(logDir);
            LogConfig config = LogConfig.of(Map.of(), brokerLogDefaults);
            List<Path> children;
            try (Stream<Path> list = Files.list(logDir)) {
                children = list.filter(Files::isDirectory).toList();
            }
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (name.endsWith(DELETE_DIR_SUFFIX)) {
                    deleteRecursively(child);
                    continue;
                }
                if (StrayLogs.isStray(child)) {
                    long age = time.milliseconds() - Files.getLastModifiedTime(child).toMillis();
                    scheduleStrayDeletion(child, Math.max(0, strayDeleteDelayMs - age));
                    continue;
                }
                TopicPartition tp = parseTopicPartition(name);
                if (tp == null) {
                    continue;
                }
                Log log = Log.open(child, config, recoveryPoints.getOrDefault(tp, 0L), clean, time, scheduler);
                logs.put(tp, log);
                logDirOf.put(tp, logDir);
            }
            // From here on a crash is unclean until shutdown() writes the marker again.
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load log dir " + logDir, e);
        }
    }

    /** Parses "topic-partition"; topics may contain '-', so the partition follows the last one. */
    static TopicPartition parseTopicPartition(String dirName) {
        int dash = dirName.lastIndexOf('-');
        if (dash <= 0 || dash == dirName.length() - 1) {
            return null;
        }
        try {
            int partition = Integer.parseInt(dirName.substring(dash + 1));
            return partition < 0 ? null : new TopicPartition(dirName.substring(0, dash), partition);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The partition's log, created (in the least loaded log dir) if it does not exist; the config is applied either way. */
    public synchronized Log getOrCreate(TopicPartition tp, LogConfig config) {
        Log existing = logs.get(tp);
        if (existing != null) {
            existing.updateConfig(config);
            return existing;
        }
        Path logDir = leastLoadedLogDir();
        Log log = Log.open(logDir.resolve(tp.topic() + "-" + tp.partition()), config, 0L, true, time, scheduler);
        logs.put(tp, log);
        logDirOf.put(tp, logDir);
        return log;
    }

    private Path leastLoadedLogDir() {
        Map<Path, Integer> counts = new HashMap<>();
        for (Path dir : logDirs) {
            counts.put(dir, 0);
        }
        logDirOf.values().forEach(dir -> counts.merge(dir, 1, Integer::sum));
        return logDirs.stream().min(Comparator.comparingInt(counts::get)).orElseThrow();
    }

    public Log get(TopicPartition tp) { return logs.get(tp); }

    public java.util.Set<TopicPartition> partitions() { return Set.copyOf(logs.keySet()); }

    /**
     * Stops the log, renames its directory to "topic-partition.uuid-delete" at once and removes it
     * after file.delete.delay.ms, so in-flight zero-copy reads can finish.
     */
    public synchronized void delete(TopicPartition tp) {
        Log log = logs.remove(tp);
        Path logDir = logDirOf.remove(tp);
        if (log == null) {
            return;
        }
        cleaner.forget(tp, logDir);
        log.markDeleted();
        Path dir = log.dir();
        Path renamed = dir.resolveSibling(dir.getFileName() + "."
                + UUID.randomUUID().toString().replace("-", "") + DELETE_DIR_SUFFIX);
        try {
            Files.move(dir, renamed);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
        scheduler.schedule("delete-log", log.config().fileDeleteDelayMs(), () -> {
            log.closeSegments();
            deleteRecursively(renamed);
        });
    }

    /**
     * Takes a log the metadata does not know out of service without deleting it, as Kafka does with stray
     * replicas since 3.7: the log is flushed and closed, its directory renamed "topic-partition.uuid-stray" (so it
     * is not loaded again) and deleted after log.stray.delete.delay.ms, or earlier by {@link #deleteStrays}. Until
     * then an operator can move the directory back under its old name to recover the records.
     */
    public synchronized Path markStray(TopicPartition tp) {
        Log log = logs.remove(tp);
        Path logDir = logDirOf.remove(tp);
        if (log == null) {
            return null;
        }
        cleaner.forget(tp, logDir);
        log.close();
        Path dir = log.dir();
        Path renamed = dir.resolveSibling(dir.getFileName() + "."
                + UUID.randomUUID().toString().replace("-", "") + StrayLogs.SUFFIX);
        try {
            Files.move(dir, renamed);
            Files.setLastModifiedTime(renamed, FileTime.fromMillis(time.milliseconds()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot set aside the stray log " + dir, e);
        }
        scheduleStrayDeletion(renamed, strayDeleteDelayMs);
        return renamed;
    }

    private void scheduleStrayDeletion(Path strayDir, long delayMs) {
        scheduler.schedule("delete-stray-log", delayMs, () -> StrayLogs.delete(strayDir));
    }

    /** Deletes every stray log directory now (an operator's choice); returns how many went. */
    public synchronized int deleteStrays() {
        int deleted = 0;
        for (Path stray : StrayLogs.list(logDirs)) {
            deleted += StrayLogs.delete(stray) ? 1 : 0;
        }
        return deleted;
    }

    /** Stops background work, flushes and closes every log, then writes checkpoints and the clean-shutdown marker. */
    public synchronized void shutdown() {
        cleaner.shutdown();
        scheduler.shutdown();
        for (Log log : logs.values()) {
            log.close();
        }
        checkpointRecoveryPoints();
        for (Path logDir : logDirs) {
            try {
                Files.createDirectories(logDir);
                Files.writeString(logDir.resolve(CLEAN_SHUTDOWN_MARKER), "");
            } catch (IOException e) {
                LOG.error("Cannot write clean shutdown marker in {}", logDir, e);
            }
        }
        started = false;
    }

    /** Applies retention to every log; also run periodically every retentionCheckIntervalMs. */
    public void cleanupLogs() {
        for (Log log : logs.values()) {
            log.deleteOldSegments();
        }
    }

    /** Forgets, in every log, the producers idle for longer than producer.id.expiration.ms. */
    void expireProducers() {
        for (Log log : logs.values()) {
            log.removeExpiredProducers(producerIdExpirationMs);
        }
    }

    /**
     * Runs one log cleaner pass now, on the caller's thread, with the same choice of logs as the
     * background cleaner (dirty ratio, compaction lags, expired tombstones); returns how many logs
     * were compacted.
     */
    public int cleanNow() {
        return cleaner.cleanPass();
    }

    /** What the log cleaner has done since start-up. */
    public CleanerStats cleanerStats() {
        return cleaner.stats();
    }

    private void flushDirtyLogs() {
        long now = time.milliseconds();
        for (Log log : logs.values()) {
            log.flushIfDue(now);
        }
    }

    /** Writes each log dir's recovery-point-offset-checkpoint; also run every 60 s. */
    public void checkpointRecoveryPoints() {
        for (Path logDir : logDirs) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            logDirOf.forEach((tp, dir) -> {
                Log log = logs.get(tp);
                if (dir.equals(logDir) && log != null) {
                    offsets.put(tp, log.recoveryPoint());
                }
            });
            RecoveryPointCheckpoint.write(logDir, offsets);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> paths = new ArrayList<>(walk.toList());
            paths.sort(Comparator.reverseOrder());
            for (Path path : paths) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.warn("Cannot remove {}", root, e);
        }
    }
}
