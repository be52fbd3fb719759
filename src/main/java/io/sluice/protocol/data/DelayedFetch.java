package io.sluice.protocol.data;

import io.sluice.quorum.MetadataService;
import io.sluice.partition.AppendWatchers;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchResponseData;

/**
 * A fetch that had too little data and waits, up to max.wait.ms, for min.bytes to arrive. Every
 * append to one of its partitions re-runs the read; the first read with enough data, or the
 * timeout, answers it. Exactly one of them completes the response.
 *
 * <p>Threading: reads run on the request threads only (never on the appending or timer thread); the
 * {@code completed} flag makes the first finisher the only one.
 */
final class DelayedFetch {
    private final FetchRead read;
    private final int minBytes;
    private final MetadataService metadata;
    private final AppendWatchers watchers;
    private final Executor requestThreads;
    private final CompletableFuture<FetchResponseData> result = new CompletableFuture<>();
    private final AtomicBoolean completed = new AtomicBoolean();
    private final Runnable onAppend = this::scheduleAttempt;
    private List<TopicPartition> watched = List.of();
    private ScheduledFuture<?> timeout;

    DelayedFetch(FetchRead read, int minBytes, MetadataService metadata, AppendWatchers watchers, Executor requestThreads) {
        this.read = read;
        this.minBytes = minBytes;
        this.metadata = metadata;
        this.watchers = watchers;
        this.requestThreads = requestThreads;
    }

    CompletableFuture<FetchResponseData> start(ScheduledExecutorService timer, long maxWaitMs) {
        watched = read.partitions(metadata.image());
        watched.forEach(tp -> watchers.watch(tp, onAppend));
        timeout = timer.schedule(() -> requestThreads.execute(this::expire), maxWaitMs, TimeUnit.MILLISECONDS);
        // Data may have arrived between the first read and watching: look once more.
        attempt();
        return result;
    }

    /**
     * Called by the appending thread, which is serving another connection (a producer, or a follower's fetch
     * moving the high watermark) and may hold its partition's state: the read is this fetch's work, so it runs
     * as a task of its own on the request threads.
     */
    private void scheduleAttempt() {
        if (!completed.get()) {
            requestThreads.execute(this::attempt);
        }
    }

    private void attempt() {
        if (completed.get()) {
            return;
        }
        FetchRead.Result attempt = read.read(metadata.image());
        if (attempt.bytes() >= minBytes || attempt.hasErrors()) {
            finish(attempt.response());
        }
    }

    private void expire() {
        if (!completed.get()) {
            finish(read.read(metadata.image()).response());
        }
    }

    private void finish(FetchResponseData response) {
        if (completed.compareAndSet(false, true)) {
            watched.forEach(tp -> watchers.unwatch(tp, onAppend));
            if (timeout != null) {
                timeout.cancel(false);
            }
            result.complete(response);
        }
    }
}
