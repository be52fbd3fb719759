package io.sluice.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.log.Log;
import io.sluice.log.LogAppendInfo;
import io.sluice.partition.Partition;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * The runtime over a fake partition writer whose replication the test answers, and an executor the test drives:
 * events one at a time per partition, responses parked until replicated and released in log order, nothing
 * completed while a lock is held.
 */
class CoordinatorRuntimeTest {
    /** Appends in the order the runtime made them, each with the replication answer the test gives. */
    private final List<CompletableFuture<Errors>> replications = new CopyOnWriteArrayList<>();
    /** The changes that reached the coordinator's state, in order. */
    private final List<String> applied = new CopyOnWriteArrayList<>();
    /** Tasks handed to the executor, run when the test says. */
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private long nextOffset;

    private final PartitionWriter writer = new PartitionWriter() {
        @Override
        public Log leaderLog(TopicPartition tp) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Partition.LeaderAppend appendAsLeader(TopicPartition tp, MemoryRecords records, long timeoutMs) {
            CompletableFuture<Errors> replicated = new CompletableFuture<>();
            replications.add(replicated);
            long first = nextOffset;
            nextOffset += 1;
            return new Partition.LeaderAppend(new LogAppendInfo(first, first, -1, 0, false), replicated);
        }

        @Override
        public Partition.LeaderAppend appendTxnMarker(TopicPartition tp, TxnMarker marker, long timeoutMs) {
            throw new UnsupportedOperationException("no markers in these tests");
        }
    };

    private CoordinatorRuntime<String> runtime(java.util.concurrent.Executor executor) {
        return new CoordinatorRuntime<>("__test", 2, writer, applied::add, executor, 5_000);
    }

    private static MemoryRecords oneRecord(String value) {
        return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(value.getBytes()));
    }

    private static CoordinatorRuntime.WriteOperation<String, String> writing(String change) {
        return pending -> new CoordinatorRuntime.WriteResult<>(oneRecord(change), change, "ok " + change);
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    private CoordinatorRuntime<String> loadedRuntime() {
        CoordinatorRuntime<String> runtime = runtime(tasks::add);
        runtime.scheduleLoad(0, () -> 0L);
        runtime.scheduleLoad(1, () -> 0L);
        runTasks();
        return runtime;
    }

    @Test
    void aWriteToAPartitionNotLoadedHereFailsWithNotCoordinator() {
        CoordinatorRuntime<String> runtime = runtime(Runnable::run);
        CompletableFuture<String> write = runtime.scheduleWrite(0, writing("a"));
        assertThatThrownBy(write::join).hasCauseInstanceOf(NotCoordinatorException.class);
        assertThat(replications).isEmpty();

        assertThat(runtime.scheduleLoad(0, () -> 7L).join()).isEqualTo(7L);
        assertThat(runtime.isLoaded(0)).isTrue();
        assertThat(runtime.isLoaded(1)).isFalse();
    }

    @Test
    void aResponseIsParkedUntilTheRecordsAreReplicated() {
        CoordinatorRuntime<String> runtime = loadedRuntime();
        CompletableFuture<String> write = runtime.scheduleWrite(0, writing("a"));
        runTasks();
        assertThat(replications).hasSize(1);
        assertThat(write).isNotDone();
        assertThat(applied).isEmpty();

        replications.get(0).complete(Errors.NONE);
        runTasks();
        assertThat(write).isCompletedWithValue("ok a");
        assertThat(applied).containsExactly("a");
    }

    @Test
    void writesAreReleasedInLogOrderAndAFailedOneNeverReachesTheState() {
        CoordinatorRuntime<String> runtime = loadedRuntime();
        CompletableFuture<String> first = runtime.scheduleWrite(0, writing("a"));
        CompletableFuture<String> second = runtime.scheduleWrite(0, writing("b"));
        runTasks();

        replications.get(1).complete(Errors.NONE);
        runTasks();
        assertThat(second).as("waits for the earlier write").isNotDone();
        assertThat(applied).isEmpty();

        replications.get(0).complete(Errors.NOT_LEADER_OR_FOLLOWER);
        runTasks();
        assertThatThrownBy(first::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(second).isCompletedWithValue("ok b");
        assertThat(applied).containsExactly("b");
    }

    @Test
    void anOperationSeesTheChangesStillWaitingForReplication() {
        CoordinatorRuntime<String> runtime = loadedRuntime();
        runtime.scheduleWrite(0, writing("a"));
        runtime.scheduleWrite(1, writing("other partition"));
        List<List<String>> seen = new ArrayList<>();
        CompletableFuture<String> nothing = runtime.scheduleWrite(0, pending -> {
            seen.add(List.copyOf(pending));
            return CoordinatorRuntime.WriteResult.nothing("nothing to write");
        });
        runTasks();

        assertThat(seen).containsExactly(List.of("a"));
        assertThat(nothing).as("no records: answered at once").isCompletedWithValue("nothing to write");
    }

    @Test
    void aWriteAnsweredAfterAnUnloadNeverReachesTheState() {
        CoordinatorRuntime<String> runtime = loadedRuntime();
        AtomicBoolean forgotten = new AtomicBoolean();
        CompletableFuture<String> write = runtime.scheduleWrite(0, writing("a"));
        runtime.scheduleUnload(0, () -> forgotten.set(true));
        runTasks();
        assertThat(forgotten).isTrue();
        assertThat(runtime.isLoaded(0)).isFalse();

        replications.get(0).complete(Errors.NONE);
        runTasks();
        assertThat(write).as("the record is in the log: the answer says so").isCompletedWithValue("ok a");
        assertThat(applied).isEmpty();
    }

    @Test
    void eventsOfOnePartitionNeverOverlapAndRunInTheOrderSubmitted() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            CoordinatorRuntime<String> runtime = runtime(pool);
            runtime.scheduleLoad(0, () -> 0L).get(10, TimeUnit.SECONDS);
            AtomicInteger inside = new AtomicInteger();
            AtomicBoolean overlapped = new AtomicBoolean();
            List<CompletableFuture<String>> writes = new CopyOnWriteArrayList<>();
            List<CompletableFuture<?>> submitted = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                int submitter = s;
                submitted.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 50; i++) {
                        String change = submitter + "-" + i;
                        writes.add(runtime.scheduleWrite(0, pending -> {
                            if (inside.incrementAndGet() > 1) {
                                overlapped.set(true);
                            }
                            inside.decrementAndGet();
                            return new CoordinatorRuntime.WriteResult<>(oneRecord(change), change, change);
                        }));
                    }
                }, submitters));
            }
            CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            io.sluice.it.Poll.until(java.time.Duration.ofSeconds(10), () -> replications.size() == 200,
                    "every write appended");
            replications.forEach(r -> r.complete(Errors.NONE));
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

            assertThat(overlapped).isFalse();
            assertThat(applied).hasSize(200);
            for (int s = 0; s < 4; s++) {
                String prefix = s + "-";
                assertThat(applied.stream().filter(c -> c.startsWith(prefix)).toList())
                        .as("each submitter's writes in its order").isSortedAccordingTo(
                                (a, b) -> Integer.compare(Integer.parseInt(a.substring(2)),
                                        Integer.parseInt(b.substring(2))));
            }
        } finally {
            pool.shutdownNow();
            submitters.shutdownNow();
        }
    }

    @Test
    void responsesAreCompletedWithNoLockHeld() {
        CoordinatorRuntime<String> runtime = loadedRuntime();
        List<Integer> monitorsHeld = new ArrayList<>();
        runtime.scheduleWrite(0, writing("a")).whenComplete((response, error) -> {
            ThreadInfo info = ManagementFactory.getThreadMXBean()
                    .getThreadInfo(new long[] {Thread.currentThread().getId()}, true, false)[0];
            monitorsHeld.add(info.getLockedMonitors().length);
        });
        runTasks();
        replications.get(0).complete(Errors.NONE);
        runTasks();

        assertThat(monitorsHeld).containsExactly(0);
    }
}
