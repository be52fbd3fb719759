package io.sluice.protocol.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long-poll fetch against a real log, with request threads the test runs by hand: an append wakes it as a task
 * of its own on the request threads (never inline on the appending thread), the first read with enough data
 * answers it once, and max.wait.ms answers it with what there is.
 */
@Timeout(30)
class DelayedFetchTest {
    /** Request threads that run only when the test says so; tasks may arrive from the timer thread. */
    private static final class ManualExecutor implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int size() {
            return tasks.size();
        }

        void runAll() {
            Runnable task;
            while ((task = poll()) != null) {
                task.run();
            }
        }

        private synchronized Runnable poll() {
            return tasks.poll();
        }
    }

    @TempDir
    Path dir;
    private EpochTestBroker broker;
    private final ManualExecutor requestThreads = new ManualExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() {
        broker = new EpochTestBroker(dir);
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
        broker.close();
    }

    private CompletableFuture<FetchResponseData> longPoll(long fromOffset, long maxWaitMs) {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs((int) maxWaitMs).setMinBytes(1)
                .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        FetchTopic topic = new FetchTopic().setTopic("t").setTopicId(broker.image().topic("t").id());
        topic.partitions().add(new FetchPartition().setPartition(0).setCurrentLeaderEpoch(-1)
                .setFetchOffset(fromOffset).setPartitionMaxBytes(1 << 20));
        data.setTopics(List.of(topic));
        FetchRead read = new FetchRead(data, (short) 12, broker.partitions, -1);
        return new DelayedFetch(read, 1, broker, broker.partitions.watchers(), requestThreads).start(timer, maxWaitMs);
    }

    private void append(String value) {
        broker.led().appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(value.getBytes(StandardCharsets.UTF_8))), (short) 1, 0);
    }

    private static int recordBytes(FetchResponseData response) {
        FetchResponseData.PartitionData partition = response.responses().get(0).partitions().get(0);
        assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.NONE);
        BaseRecords records = partition.records();
        return records == null ? 0 : records.sizeInBytes();
    }

    @Test
    void anAppendWakesTheFetchOnTheRequestThreadsNotOnTheAppendingThread() {
        CompletableFuture<FetchResponseData> fetch = longPoll(0, 600_000);
        assertThat(fetch).isNotDone();

        append("hello");

        assertThat(fetch).as("the appending thread only queued the read").isNotDone();
        assertThat(requestThreads.size()).isEqualTo(1);
        requestThreads.runAll();
        assertThat(fetch).isDone();
        assertThat(recordBytes(fetch.join())).isPositive();
    }

    @Test
    void afterTheAnswerFurtherAppendsQueueNothing() {
        CompletableFuture<FetchResponseData> fetch = longPoll(0, 600_000);
        append("first");
        requestThreads.runAll();
        assertThat(fetch).isDone();

        append("second");

        assertThat(requestThreads.size()).isZero();
    }

    @Test
    void maxWaitAnswersWithWhatThereIsOnARequestThread() {
        CompletableFuture<FetchResponseData> fetch = longPoll(0, 1);

        long deadline = System.nanoTime() + 20_000_000_000L;
        while (requestThreads.size() == 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(fetch).as("the timer thread only queued the expiry").isNotDone();
        requestThreads.runAll();

        assertThat(fetch).isDone();
        assertThat(recordBytes(fetch.join())).isZero();
    }
}
