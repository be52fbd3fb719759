package io.sluice.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.controller.AlterPartitionRequest;
import io.sluice.controller.Controller;
import io.sluice.log.LogManager;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.testing.ManualTime;
import io.sluice.it.Poll;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replicas of node 1 driven by images: which partitions exist here, in which role, ISR checks, fetchers. */
class ReplicaManagerTest {
    private static final int SELF = 1;
    private static final long LAG_MS = 10_000;
    private static final Uuid TOPIC_ID = Uuid.randomUuid();
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(1_000_000);
    private final List<AlterPartitionRequest> alters = new CopyOnWriteArrayList<>();
    /** Where the follower fetchers connected: "node->host:port". */
    private final List<String> connections = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService timer;
    private LogManager logs;
    private ReplicaManager replicas;

    @BeforeEach
    void setUp() {
        timer = Executors.newSingleThreadScheduledExecutor();
        logs = new LogManager(List.of(dir), Map.of(), 60_000, false, 15_000, time);
        logs.startup();
        Controller controller = new Controller() {
            @Override
            public CompletableFuture<PartitionImage> alterPartition(AlterPartitionRequest request) {
                alters.add(request);
                return CompletableFuture.completedFuture(new PartitionImage(request.partition(), List.of(1, 2, 3),
                        request.newIsr(), SELF, request.leaderEpoch(), request.partitionEpoch() + 1));
            }
        };
        replicas = new ReplicaManager(SELF, logs, Map.of(), controller, timer, LAG_MS, time, (node, host, port) -> {
            connections.add(node + "->" + host + ":" + port);
            throw new IOException("no leader to reach in this test");
        });
    }

    @AfterEach
    void tearDown() {
        replicas.close();
        timer.shutdownNow();
        logs.shutdown();
    }

    private static MetadataImage image(List<Integer> replicaIds, List<Integer> isr, int leader, int fencedBroker) {
        TreeMap<Integer, PartitionImage> partitions = new TreeMap<>();
        partitions.put(0, new PartitionImage(0, replicaIds, isr, leader, 3, 1));
        TopicImage topic = new TopicImage("t", TOPIC_ID, partitions, Map.of());
        Map<Integer, BrokerImage> brokers = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            brokers.put(id, new BrokerImage(id, "h" + id, 9090 + id, null, id == fencedBroker));
        }
        return new MetadataImage(1, "cluster", brokers, Map.of("t", topic), Map.of(TOPIC_ID, topic), 0);
    }

    private void appendTwo() {
        replicas.partition(TP).appendAsLeader(MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord("a".getBytes()), new SimpleRecord("b".getBytes())), (short) 1, 0);
    }

    @Test
    void anImageCreatesTheReplicasPlacedHereInTheirRoles() {
        assertThatThrownBy(() -> replicas.partition(TP)).isInstanceOf(UnknownTopicOrPartitionException.class);
        replicas.onImage(null, image(List.of(1, 2, 3), List.of(1, 2, 3), SELF, -1));

        assertThat(logs.get(TP)).isNotNull();
        assertThat(replicas.partition(TP).role()).isEqualTo(Partition.Role.LEADER);
        assertThat(replicas.partition(TP).isr()).containsExactly(1, 2, 3);

        replicas.onImage(null, image(List.of(2, 3), List.of(2, 3), 2, -1));
        assertThatThrownBy(() -> replicas.partition(TP)).as("known, but no replica here")
                .isInstanceOf(NotLeaderOrFollowerException.class);
    }

    @Test
    void aFollowerGetsAFetcherConnectedToItsLeader() {
        replicas.onImage(null, image(List.of(2, 1, 3), List.of(2, 1, 3), 2, -1));

        assertThat(replicas.partition(TP).role()).isEqualTo(Partition.Role.FOLLOWER);
        Poll.until(Duration.ofSeconds(10), () -> !connections.isEmpty(), "the fetcher to connect");
        assertThat(connections.get(0)).isEqualTo("1->h2:9092");
    }

    @Test
    void thePeriodicCheckShrinksTheIsrThroughTheController() {
        replicas.onImage(null, image(List.of(1, 2, 3), List.of(1, 2, 3), SELF, -1));
        appendTwo();
        Partition partition = replicas.partition(TP);
        partition.recordFollowerFetch(2, 2);
        partition.recordFollowerFetch(3, 2);
        replicas.checkIsr();
        assertThat(alters).isEmpty();

        time.advance(LAG_MS - 1);
        partition.recordFollowerFetch(2, 2);
        time.advance(2);
        replicas.checkIsr();
        assertThat(alters).singleElement().satisfies(a -> {
            assertThat(a.newIsr()).containsExactly(1, 2);
            assertThat(a.leaderEpoch()).isEqualTo(3);
            assertThat(a.partitionEpoch()).isEqualTo(1);
        });
        assertThat(partition.isr()).as("the controller's answer is taken at once").containsExactly(1, 2);
    }

    @Test
    void aFollowerFencedInThisNodesImageIsNotProposedForTheIsr() {
        replicas.onImage(null, image(List.of(1, 2, 3), List.of(1, 2), SELF, 3));
        appendTwo();
        Partition partition = replicas.partition(TP);
        partition.recordFollowerFetch(2, 2);
        partition.recordFollowerFetch(3, 2);
        replicas.checkIsr();
        assertThat(alters).isEmpty();

        replicas.onImage(null, image(List.of(1, 2, 3), List.of(1, 2), SELF, -1));
        partition.recordFollowerFetch(3, 2);
        assertThat(alters).singleElement().satisfies(a -> assertThat(a.newIsr()).containsExactly(1, 2, 3));
    }

    @Test
    void aPartitionWithOnlyThisReplicaReadsToTheLogEndAndNeverWaits() {
        TreeMap<Integer, PartitionImage> partitions = new TreeMap<>();
        partitions.put(0, new PartitionImage(0, List.of(1), List.of(1), SELF, 0, 0));
        TopicImage topic = new TopicImage("t", TOPIC_ID, partitions, Map.of());
        replicas.onImage(null, new MetadataImage(1, "cluster", Map.of(), Map.of("t", topic), Map.of(TOPIC_ID, topic), 0));
        Partition.LeaderAppend append = replicas.partition(TP).appendAsLeader(MemoryRecords.withRecords(
                Compression.NONE, new SimpleRecord("a".getBytes()), new SimpleRecord("b".getBytes())), (short) -1, 60_000);

        assertThat(replicas.partition(TP).highWatermark()).isEqualTo(2);
        assertThat(append.replicated()).isCompleted();
    }
}
