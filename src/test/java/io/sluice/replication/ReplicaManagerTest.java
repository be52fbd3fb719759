package io.sluice.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.broker.AppendWatchers;
import io.sluice.controller.AlterPartitionRequest;
import io.sluice.controller.Controller;
import io.sluice.metadata.BrokerImage;
import io.sluice.log.Log;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.testing.ManualTime;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.IneligibleReplicaException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaManagerTest {
    private static final int SELF = 1;
    private static final long LAG_MS = 10_000;
    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(1_000_000);
    private final AppendWatchers watchers = new AppendWatchers();
    private final List<AlterPartitionRequest> alters = new CopyOnWriteArrayList<>();
    /** When set, the fake controller refuses ISR changes with it. */
    private volatile RuntimeException refusal;
    private ScheduledExecutorService timer;
    private LogManager logs;
    private Log log;
    private ReplicaManager replicas;

    @BeforeEach
    void setUp() {
        timer = Executors.newSingleThreadScheduledExecutor();
        logs = new LogManager(List.of(dir), Map.of(), 60_000, false, 15_000, time);
        logs.startup();
        log = logs.getOrCreate(TP, LogConfig.of(Map.of(), Map.of()));
        log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("a".getBytes()),
                new SimpleRecord("b".getBytes())), 0);
        replicas = new ReplicaManager(SELF, logs, fakeController(), watchers, timer, LAG_MS, time);
    }

    @AfterEach
    void tearDown() {
        replicas.close();
        timer.shutdownNow();
        logs.shutdown();
    }

    private Controller fakeController() {
        return (Controller) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Controller.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("alterPartition")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    AlterPartitionRequest request = (AlterPartitionRequest) args[0];
                    alters.add(request);
                    if (refusal != null) {
                        return CompletableFuture.failedFuture(refusal);
                    }
                    return CompletableFuture.completedFuture(new PartitionImage(request.partition(), List.of(1, 2, 3),
                            request.newIsr(), SELF, request.leaderEpoch(), request.partitionEpoch() + 1));
                });
    }

    private static MetadataImage image(List<Integer> replicaIds, List<Integer> isr, int leader, int leaderEpoch) {
        TreeMap<Integer, PartitionImage> partitions = new TreeMap<>();
        partitions.put(0, new PartitionImage(0, replicaIds, isr, leader, leaderEpoch, 1));
        TopicImage topic = new TopicImage("t", TOPIC_ID, partitions, Map.of());
        return new MetadataImage(1, "cluster", Map.of(), Map.of("t", topic), Map.of(TOPIC_ID, topic), 0);
    }

    private static MetadataImage withBrokers(MetadataImage image, int fenced) {
        Map<Integer, BrokerImage> brokers = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            brokers.put(id, new BrokerImage(id, "h" + id, 9090 + id, null, id == fenced));
        }
        return new MetadataImage(image.offset(), image.clusterId(), brokers, image.topicsByName(), image.topicsById(),
                image.nextProducerId());
    }

    @Test
    void aRefusedExpansionKeepsTheIsrAndIsRetriedOnlyAtTheNextCheck() throws Exception {
        replicas.onImage(null, withBrokers(image(List.of(1, 2, 3), List.of(1, 2), SELF, 3), -1));
        refusal = new IneligibleReplicaException("Replica 3 is fenced");
        replicas.onFollowerFetch(TP, 2, 2, log);
        replicas.onFollowerFetch(TP, 3, 2, log);
        assertThat(alters).singleElement().satisfies(a -> assertThat(a.newIsr()).containsExactly(1, 2, 3));

        replicas.onFollowerFetch(TP, 3, 2, log);
        replicas.checkIsr();
        assertThat(alters).hasSize(1);
        // The high watermark follows the ISR the controller recorded, [1, 2].
        assertThat(replicas.awaitHighWatermark(TP, 2, 60_000)).isNull();

        time.advance(LAG_MS / 2);
        refusal = null;
        replicas.onFollowerFetch(TP, 2, 2, log);
        replicas.onFollowerFetch(TP, 3, 2, log);
        assertThat(alters).hasSize(2);
        assertThat(alters.get(1).newIsr()).containsExactly(1, 2, 3);
    }

    @Test
    void aFollowerFencedInThisNodesImageIsNotProposedForTheIsr() {
        replicas.onImage(null, withBrokers(image(List.of(1, 2, 3), List.of(1, 2), SELF, 3), 3));
        replicas.onFollowerFetch(TP, 2, 2, log);
        replicas.onFollowerFetch(TP, 3, 2, log);
        replicas.checkIsr();
        assertThat(alters).isEmpty();

        replicas.onImage(null, withBrokers(image(List.of(1, 2, 3), List.of(1, 2), SELF, 3), -1));
        replicas.onFollowerFetch(TP, 3, 2, log);
        assertThat(alters).singleElement().satisfies(a -> assertThat(a.newIsr()).containsExactly(1, 2, 3));
    }

    @Test
    void aPartitionWithOnlyThisReplicaReadsToTheLogEndAndNeverWaits() {
        replicas.onImage(null, image(List.of(1), List.of(1), SELF, 0));
        assertThat(replicas.highWatermark(TP, log)).isEqualTo(2);
        assertThat(replicas.awaitHighWatermark(TP, 2, 60_000)).isNull();
    }

    @Test
    void followerFetchesAdvanceTheHighWatermarkAndWakeWaitingReaders() {
        replicas.onImage(null, image(List.of(1, 2, 3), List.of(1, 2, 3), SELF, 3));
        AtomicInteger wakeUps = new AtomicInteger();
        watchers.watch(TP, wakeUps::incrementAndGet);
        assertThat(replicas.highWatermark(TP, log)).isZero();

        replicas.onFollowerFetch(TP, 2, 2, log);
        assertThat(replicas.highWatermark(TP, log)).isZero();
        replicas.onFollowerFetch(TP, 3, 1, log);
        assertThat(replicas.highWatermark(TP, log)).isEqualTo(1);
        assertThat(wakeUps).hasValue(1);
    }

    @Test
    void anAcksAllWaitCompletesWhenTheIsrHasTheRecords() throws Exception {
        replicas.onImage(null, image(List.of(1, 2, 3), List.of(1, 2, 3), SELF, 3));
        CompletableFuture<Errors> wait = replicas.awaitHighWatermark(TP, 2, 60_000);
        replicas.onFollowerFetch(TP, 2, 2, log);
        assertThat(wait).isNotDone();
        replicas.onFollowerFetch(TP, 3, 2, log);
        assertThat(wait.get(5, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);
    }

    @Test
    void anAcksAllWaitTimesOutOrFailsWhenLeadershipMoves() throws Exception {
        replicas.onImage(null, image(List.of(1, 2, 3), List.of(1, 2, 3), SELF, 3));
        CompletableFuture<Errors> timesOut = replicas.awaitHighWatermark(TP, 2, 20);
        assertThat(timesOut.get(5, TimeUnit.SECONDS)).isEqualTo(Errors.REQUEST_TIMED_OUT);

        CompletableFuture<Errors> moved = replicas.awaitHighWatermark(TP, 2, 60_000);
        replicas.onImage(null, image(List.of(1, 2, 3), List.of(1, 2, 3), 2, 4));
        assertThat(moved.get(5, TimeUnit.SECONDS)).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void aLaggingFollowerIsDroppedFromTheIsrAndAddedBackOnceCaughtUp() throws Exception {
        replicas.onImage(null, image(List.of(1, 2, 3), List.of(1, 2, 3), SELF, 3));
        replicas.onFollowerFetch(TP, 2, 2, log);
        replicas.onFollowerFetch(TP, 3, 2, log);
        replicas.checkIsr();
        assertThat(alters).isEmpty();

        time.advance(LAG_MS - 1);
        replicas.onFollowerFetch(TP, 2, 2, log);
        time.advance(2);
        replicas.checkIsr();
        assertThat(alters).singleElement().satisfies(a -> {
            assertThat(a.newIsr()).containsExactly(1, 2);
            assertThat(a.leaderEpoch()).isEqualTo(3);
            assertThat(a.partitionEpoch()).isEqualTo(1);
        });
        // With follower 3 out, the acks=all wait needs only follower 2.
        log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("c".getBytes())), 3);
        CompletableFuture<Errors> wait = replicas.awaitHighWatermark(TP, 3, 60_000);
        replicas.onFollowerFetch(TP, 2, 3, log);
        assertThat(wait.get(5, TimeUnit.SECONDS)).isEqualTo(Errors.NONE);

        replicas.onFollowerFetch(TP, 3, 3, log);
        assertThat(alters).hasSize(2);
        assertThat(alters.get(1).newIsr()).containsExactly(1, 2, 3);
        assertThat(alters.get(1).partitionEpoch()).isEqualTo(2);
    }
}
