package io.sluice.group.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.coordinator.PartitionWriter;
import io.sluice.coordinator.TxnMarker;
import io.sluice.config.BrokerConfig;
import io.sluice.group.CommittedOffset;
import io.sluice.log.LogManager;
import io.sluice.log.Log;
import io.sluice.log.LogAppendInfo;
import io.sluice.partition.Partition;
import io.sluice.partition.ReplicaManager;
import io.sluice.testing.TestReplicas;
import org.apache.kafka.common.record.MemoryRecords;
import io.sluice.testing.ManualTime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offset writes on a replicated offsets partition: appended at once, but answered and visible only when the
 * in-sync replicas confirm them, in log order; a write the replicas never confirm is neither.
 */
class LogOffsetStoreReplicationTest {
    private static final int PARTITIONS = 3;
    private static final String GROUP = "reports";
    private static final TopicPartition LINES_0 = new TopicPartition("lines", 0);
    private static final TopicPartition LINES_1 = new TopicPartition("lines", 1);

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    /** The acks=all waits the store asked for, in order: offset required and the future replication completes. */
    private final List<Wait> waits = new ArrayList<>();
    private LogManager logs;
    private LogOffsetStore store;

    private record Wait(TopicPartition partition, long requiredOffset, CompletableFuture<Errors> future) {
    }

    @BeforeEach
    void start() {
        OffsetsTestMetadata metadata = new OffsetsTestMetadata();
        Map<String, String> defaults = BrokerConfig.of(Map.of("log.dirs", dir.toString())).topicDefaults();
        logs = new LogManager(List.of(dir), defaults, 300_000, time);
        logs.startup();
        ReplicaManager partitions = TestReplicas.replicaManager(OffsetsTestMetadata.NODE_ID, logs, defaults);
        metadata.addListener(partitions);
        PartitionWriter real = PartitionWriter.of(partitions);
        PartitionWriter writer = new PartitionWriter() {
            @Override
            public Log leaderLog(TopicPartition tp) {
                return real.leaderLog(tp);
            }

            @Override
            public Partition.LeaderAppend appendAsLeader(TopicPartition tp, MemoryRecords records, long timeoutMs) {
                LogAppendInfo info = partitions.partition(tp).appendAsLeader(records, (short) 1, timeoutMs).info();
                Wait wait = new Wait(tp, info.lastOffset() + 1, new CompletableFuture<>());
                waits.add(wait);
                return new Partition.LeaderAppend(info, wait.future);
            }

            @Override
            public Partition.LeaderAppend appendTxnMarker(TopicPartition tp, TxnMarker marker, long timeoutMs) {
                throw new UnsupportedOperationException("no markers in these tests");
            }
        };
        store = new LogOffsetStore(metadata, writer, PARTITIONS, 60_000, null, time, Runnable::run);
        store.ensureTopic((short) 3);
        store.load();
    }

    @AfterEach
    void stop() {
        store.close();
        logs.shutdown();
    }

    private static CommittedOffset at(long offset) {
        return new CommittedOffset(offset, 1, "", 1, -1);
    }

    @Test
    void aCommitIsAnsweredAndVisibleOnlyOnceTheReplicasHaveIt() {
        CompletableFuture<Void> commit = store.commit(GROUP, Map.of(LINES_0, at(10)));

        assertThat(waits).singleElement().satisfies(w -> {
            assertThat(w.partition()).isEqualTo(store.partitionFor(GROUP));
            assertThat(w.requiredOffset()).as("just past the appended record").isEqualTo(1);
        });
        assertThat(commit).isNotDone();
        assertThat(store.fetch(GROUP)).isEmpty();

        waits.get(0).future().complete(Errors.NONE);

        assertThat(commit).isCompleted();
        assertThat(store.fetch(GROUP)).containsEntry(LINES_0, at(10));
    }

    @Test
    void confirmationsApplyInLogOrderAndAnUnconfirmedWriteFails() {
        CompletableFuture<Void> first = store.commit(GROUP, Map.of(LINES_0, at(10)));
        CompletableFuture<Void> second = store.commit(GROUP, Map.of(LINES_1, at(20)));
        assertThat(waits).extracting(Wait::requiredOffset).containsExactly(1L, 2L);

        waits.get(1).future().complete(Errors.NONE);
        assertThat(second).as("waits for the earlier write").isNotDone();
        assertThat(store.fetch(GROUP)).isEmpty();

        waits.get(0).future().complete(Errors.REQUEST_TIMED_OUT);

        assertThatThrownBy(first::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(TimeoutException.class);
        assertThat(second).isCompleted();
        assertThat(store.fetch(GROUP)).isEqualTo(Map.of(LINES_1, at(20)));
    }

    @Test
    void aDeletionSeesOffsetsStillWaitingForReplication() {
        store.commit(GROUP, Map.of(LINES_0, at(10), LINES_1, at(11)));
        CompletableFuture<Void> delete = store.delete(GROUP, Set.of(LINES_0));
        waits.forEach(w -> w.future().complete(Errors.NONE));

        assertThat(delete).isCompleted();
        assertThat(store.fetch(GROUP)).isEqualTo(Map.of(LINES_1, at(11)));
    }

    @Test
    void aWriteConfirmedAfterItsPartitionWasUnloadedNeverReachesMemory() {
        int partition = store.partitionFor(GROUP).partition();
        CompletableFuture<Void> commit = store.commit(GROUP, Map.of(LINES_0, at(10)));

        store.unloadPartition(partition);
        waits.get(0).future().complete(Errors.NOT_LEADER_OR_FOLLOWER);

        assertThatThrownBy(commit::join).hasCauseInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(store.fetch(GROUP)).isEmpty();
        assertThatThrownBy(() -> store.commit(GROUP, Map.of(LINES_0, at(11))).join())
                .hasCauseInstanceOf(org.apache.kafka.common.errors.NotCoordinatorException.class);

        store.loadPartition(partition);
        assertThat(store.fetch(GROUP)).as("the record is in the log after all: loading reads it")
                .containsEntry(LINES_0, at(10));
    }
}
