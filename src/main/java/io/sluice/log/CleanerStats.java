package io.sluice.log;

/** Counters of the log cleaner since start-up: passes run, logs compacted, bytes of segments read to rewrite them. */
public record CleanerStats(long passes, long logsCleaned, long bytesRead) {
}
