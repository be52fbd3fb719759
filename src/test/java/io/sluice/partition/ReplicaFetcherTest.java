package io.sluice.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.controller.AlterPartitionRequest;
import io.sluice.log.Log;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.metadata.PartitionImage;
import io.sluice.testing.ManualTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetcher of node 1 following t-0 from leader 2 in epoch 7, over a scripted transport: each test queues the
 * leader's answers and runs single fetch rounds, without a thread or a socket.
 */
class ReplicaFetcherTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final int EPOCH = 7;

    @TempDir
    Path dir;
    private final Queue<Function<FetchRequestData, FetchResponseData>> answers = new ArrayDeque<>();
    private final List<FetchRequestData> requests = new ArrayList<>();
    private LogManager logs;
    private Log log;
    private Partition partition;
    private ReplicaFetcher fetcher;

    @BeforeEach
    void setUp() {
        ManualTime time = new ManualTime(1_000);
        logs = new LogManager(List.of(dir), Map.of(), 60_000, false, 15_000, time);
        logs.startup();
        log = logs.getOrCreate(TP, LogConfig.of(Map.of(), Map.of()));
        PartitionServices services = new PartitionServices(1, new AppendWatchers(), null, time, 10_000,
                (AlterPartitionRequest request) -> CompletableFuture.<PartitionImage>failedFuture(
                        new AssertionError("a follower asks for no ISR change")), id -> true);
        partition = new Partition(TP, Uuid.randomUuid(), log, services);
        partition.apply(followerImage(EPOCH));
        FetchTransport transport = new FetchTransport() {
            @Override
            public FetchResponseData fetch(FetchRequestData request) {
                requests.add(request);
                return answers.remove().apply(request);
            }

            @Override
            public void close() {
            }
        };
        fetcher = new ReplicaFetcher(1, 2, "h2", 9092, (node, host, port) -> transport);
        fetcher.follow(Map.of(TP, partition));
    }

    @AfterEach
    void tearDown() {
        fetcher.close();
        logs.shutdown();
    }

    private static PartitionImage followerImage(int epoch) {
        return new PartitionImage(0, List.of(2, 1), List.of(2, 1), 2, epoch, epoch);
    }

    private static MemoryRecords batch(long baseOffset, int epoch, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(("r" + (baseOffset + i)).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(baseOffset, Compression.NONE, epoch, records);
    }

    private static FetchResponseData answer(PartitionData data) {
        FetchResponseData response = new FetchResponseData();
        response.responses().add(new FetchableTopicResponse().setTopic(TP.topic())
                .setPartitions(List.of(data.setPartitionIndex(TP.partition()))));
        return response;
    }

    @Test
    void fetchesFromTheLocalLogEndAndAppendsWhatTheLeaderSends() throws Exception {
        answers.add(request -> answer(new PartitionData().setHighWatermark(2).setRecords(batch(0, EPOCH, 3))));
        answers.add(request -> answer(new PartitionData().setHighWatermark(3).setRecords(MemoryRecords.EMPTY)));

        assertThat(fetcher.fetchOnce()).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(partition.highWatermark()).isEqualTo(2);
        assertThat(fetcher.fetchOnce()).isTrue();
        assertThat(partition.highWatermark()).isEqualTo(3);

        FetchRequestData.FetchPartition first = requests.get(0).topics().get(0).partitions().get(0);
        FetchRequestData.FetchPartition second = requests.get(1).topics().get(0).partitions().get(0);
        assertThat(requests.get(0).replicaId()).isEqualTo(1);
        assertThat(first.currentLeaderEpoch()).isEqualTo(EPOCH);
        assertThat(first.fetchOffset()).isZero();
        assertThat(second.fetchOffset()).isEqualTo(3);
        assertThat(second.lastFetchedEpoch()).isEqualTo(EPOCH);
    }

    @Test
    void aDivergingEpochCutsTheLocalTailBeforeTheNextFetch() throws Exception {
        partition.appendAsFollower(batch(0, 5, 3), 0, EPOCH);
        partition.appendAsFollower(batch(3, 5, 2), 0, EPOCH);
        // The leader's epoch 5 ended at 3: offsets 3 and 4 here were never committed.
        answers.add(request -> answer(new PartitionData().setHighWatermark(3).setRecords(MemoryRecords.EMPTY)
                .setDivergingEpoch(new FetchResponseData.EpochEndOffset().setEpoch(5).setEndOffset(3))));

        assertThat(fetcher.fetchOnce()).isTrue();
        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(requests.get(0).topics().get(0).partitions().get(0).lastFetchedEpoch()).isEqualTo(5);
    }

    @Test
    void aLogEndingBeforeTheLeadersLogStartStartsOverThere() throws Exception {
        partition.appendAsFollower(batch(0, 5, 5), 0, EPOCH);
        answers.add(request -> answer(new PartitionData().setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code())
                .setLogStartOffset(50).setRecords(MemoryRecords.EMPTY)));

        assertThat(fetcher.fetchOnce()).isTrue();
        assertThat(log.logStartOffset()).isEqualTo(50);
        assertThat(log.logEndOffset()).isEqualTo(50);
    }

    @Test
    void aPartitionErrorBacksOffAndChangesNothing() throws Exception {
        answers.add(request -> answer(new PartitionData().setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
                .setRecords(MemoryRecords.EMPTY)));

        assertThat(fetcher.fetchOnce()).isFalse();
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void anAnswerArrivingAfterALeadershipChangeIsDropped() throws Exception {
        answers.add(request -> {
            // The image moved on while the fetch was in flight: this node now follows in epoch 8.
            partition.apply(followerImage(EPOCH + 1));
            return answer(new PartitionData().setHighWatermark(3).setRecords(batch(0, EPOCH, 3)));
        });

        fetcher.fetchOnce();
        assertThat(log.logEndOffset()).isZero();
    }

    @Test
    void nothingToFollowSendsNothing() throws Exception {
        fetcher.follow(Map.of());
        assertThat(fetcher.fetchOnce()).isFalse();
        assertThat(requests).isEmpty();
    }
}
