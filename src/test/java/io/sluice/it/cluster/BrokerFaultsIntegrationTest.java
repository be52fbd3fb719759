package io.sluice.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.Clients;
import io.sluice.it.Poll;
import io.sluice.it.RawKafkaConnection;
import io.sluice.it.SluiceProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker failures with the metadata quorum kept healthy: one controller-only node (the single voter) and three
 * broker-only nodes that find it through controller.quorum.bootstrap.servers. Brokers are killed, restarted and
 * frozen with SIGSTOP while Java clients produce with acks=all to topics of replication factor 3. Each test leaves
 * every broker running again for the next one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerFaultsIntegrationTest {
    private static final int CONTROLLER_ID = 9;
    private static final long LAG_MAX_MS = 2_000;
    private static final long SESSION_TIMEOUT_MS = 5_000;
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    static Path dir;
    private static SluiceProcess controller;
    private static List<SluiceProcess> brokers = List.of();

    @BeforeAll
    static void startCluster() {
        long begin = System.nanoTime();
        Map<String, String> overrides = Map.of(
                "broker.session.timeout.ms", Long.toString(SESSION_TIMEOUT_MS),
                "replica.lag.time.max.ms", Long.toString(LAG_MAX_MS),
                "offsets.topic.num.partitions", "1");
        controller = SluiceProcess.startController(dir.resolve("controller"), CONTROLLER_ID, overrides);
        brokers = SluiceProcess.startBrokerOnly(dir, List.of(1, 2, 3), controller.quorumEndpoint(), overrides);
        System.out.printf("Controller %d and 3 broker-only nodes (bootstrap servers %s) ready in %d ms%n",
                CONTROLLER_ID, controller.quorumEndpoint(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }

    @AfterAll
    static void stopCluster() {
        brokers.forEach(SluiceProcess::close);
        if (controller != null) {
            controller.close();
        }
    }

    /** Every test starts from three running brokers; a failed one may have left some down or frozen. */
    @AfterEach
    void bringEveryBrokerBack() {
        for (SluiceProcess broker : brokers) {
            if (broker.isPaused()) {
                broker.resume();
            }
            if (!broker.isAlive()) {
                broker.restartInBackground();
            }
        }
        brokers.forEach(SluiceProcess::awaitReady);
        awaitAllLive(brokers, WAIT);
    }

    /** Until every node's Metadata lists all of them as live (registered and unfenced) brokers. */
    static void awaitAllLive(List<SluiceProcess> nodes, Duration timeout) {
        List<Integer> ids = nodes.stream().map(SluiceProcess::nodeId).sorted().toList();
        for (SluiceProcess node : nodes) {
            Poll.until(timeout, () -> liveBrokers(node).equals(ids), "node " + node.nodeId() + " to see brokers " + ids);
        }
    }

    static List<Integer> liveBrokers(SluiceProcess via) {
        try (RawKafkaConnection connection = RawKafkaConnection.open(via.port())) {
            MetadataResponseData metadata = connection.send(new MetadataRequestData().setTopics(List.of()), (short) 12);
            return metadata.brokers().stream().map(b -> b.nodeId()).sorted().toList();
        }
    }

    private static SluiceProcess broker(int id) {
        return brokers.get(id - 1);
    }

    private static String allBootstrap() {
        return brokers.stream().map(SluiceProcess::bootstrap).collect(Collectors.joining(","));
    }

    private static void createTopic(String topic, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = Clients.admin(allBootstrap())) {
            createUntilAccepted(admin, new NewTopic(topic, partitions, (short) 3).configs(configs), WAIT);
        }
        for (SluiceProcess broker : brokers) {
            awaitOrDump(() -> IntStream.range(0, partitions).allMatch(p -> isr(broker, topic, p).size() == 3),
                    "full ISRs of " + topic + " as broker " + broker.nodeId() + " sees them");
        }
    }

    /**
     * Creates the topic, trying again while the controller counts fewer live brokers than replicas: on a loaded
     * machine a broker back from a fault may be fenced for a moment by one late heartbeat.
     */
    static void createUntilAccepted(Admin admin, NewTopic topic, Duration timeout) {
        Poll.until(timeout, () -> {
            try {
                admin.createTopics(List.of(topic)).all().get(20, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return true;
                }
                if (e.getCause() instanceof InvalidReplicationFactorException) {
                    return false;
                }
                throw new AssertionError("could not create " + topic.name(), e);
            } catch (Exception e) {
                throw new AssertionError("could not create " + topic.name(), e);
            }
        }, "topic " + topic.name() + " created");
    }

    static List<TopicPartitionInfo> describe(SluiceProcess via, String topic) {
        try (Admin admin = Clients.admin(via.bootstrap())) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The partition as this very node's Metadata answer shows it (an Admin client may ask any node). */
    static MetadataResponsePartition partitionSeenBy(SluiceProcess node, String topic, int partition) {
        try (RawKafkaConnection connection = RawKafkaConnection.open(node.port())) {
            MetadataResponseData metadata = connection.send(new MetadataRequestData().setAllowAutoTopicCreation(false)
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(topic))), (short) 12);
            return metadata.topics().iterator().next().partitions().stream()
                    .filter(p -> p.partitionIndex() == partition).findFirst()
                    .orElseThrow(() -> new IllegalStateException("node " + node.nodeId() + " does not know " + topic));
        }
    }

    static Set<Integer> ledBy(int brokerId, SluiceProcess via, String topic, int partitions) {
        Set<Integer> led = new java.util.HashSet<>();
        for (int p = 0; p < partitions; p++) {
            if (partitionSeenBy(via, topic, p).leaderId() == brokerId) {
                led.add(p);
            }
        }
        return led;
    }

    static List<Integer> isr(SluiceProcess via, String topic, int partition) {
        return partitionSeenBy(via, topic, partition).isrNodes().stream().sorted().toList();
    }

    /** Poll.until with this class's deadline; a timeout carries the nodes' recent log lines. */
    static void awaitOrDump(java.util.function.Supplier<Boolean> condition, String what) {
        try {
            Poll.until(WAIT, condition, what);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + diagnostics(), e);
        }
    }

    /** The tail of every node's log, for a failure message. */
    static String diagnostics() {
        StringBuilder logs = new StringBuilder();
        List<SluiceProcess> all = new ArrayList<>(brokers);
        all.add(0, controller);
        for (SluiceProcess node : all) {
            logs.append("\n=== node ").append(node.nodeId()).append('\n');
            try {
                List<String> lines = Files.readAllLines(node.stderrFile(), StandardCharsets.UTF_8).stream()
                        .filter(l -> (l.contains("io.sluice") || l.contains("Exception") || l.contains("\tat io.sluice"))
                                && !l.contains("LogOffsetStore")).toList();
                lines.subList(Math.max(0, lines.size() - 80), lines.size())
                        .forEach(l -> logs.append(l, 0, Math.min(l.length(), 240)).append('\n'));
            } catch (java.io.IOException e) {
                logs.append(e);
            }
        }
        return logs.toString();
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    @Test
    @Order(1)
    void brokerOnlyNodesFindTheQuorumThroughBootstrapServersAndServeMetadata() throws Exception {
        for (SluiceProcess broker : brokers) {
            String log = Files.readString(broker.stderrFile(), StandardCharsets.UTF_8)
                    + Files.readString(broker.stdoutFile(), StandardCharsets.UTF_8);
            assertThat(log).contains("learned from bootstrap server " + controller.quorumEndpoint());
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                assertThat(admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).extracting(Node::id)
                        .containsExactlyInAnyOrder(1, 2, 3);
            }
        }
        createTopic("discovered", 3, Map.of());
        for (SluiceProcess broker : brokers) {
            try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
                MetadataResponseData metadata = connection.send(new MetadataRequestData()
                        .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("discovered"))),
                        (short) 12);
                assertThat(metadata.topics().iterator().next().partitions()).hasSize(3)
                        .allSatisfy(p -> assertThat(p.replicaNodes()).containsExactlyInAnyOrder(1, 2, 3));
            }
        }
    }

    @Test
    @Order(2)
    void aKilledFollowerLeavesTheIsrAfterTheLagTimeAndReturnsAfterItsRestart() throws Exception {
        String topic = "isr";
        createTopic(topic, 1, Map.of());
        int leader = describe(broker(1), topic).get(0).leader().id();
        SluiceProcess follower = brokers.stream().filter(b -> b.nodeId() != leader).findFirst().orElseThrow();
        try (KafkaProducer<String, String> producer = Clients.producer(allBootstrap(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "before-" + i));
            }
            producer.flush();
        }

        follower.kill9();
        long killed = System.nanoTime();
        awaitOrDump(() -> !isr(broker(leader), topic, 0).contains(follower.nodeId()),
                "broker " + follower.nodeId() + " out of the ISR");
        long shrinkMs = millisSince(killed);

        follower.restartInBackground();
        follower.awaitReady();
        long restarted = System.nanoTime();
        awaitOrDump(() -> isr(broker(leader), topic, 0).size() == 3, "broker " + follower.nodeId() + " back in the ISR");
        long expandMs = millisSince(restarted);
        System.out.printf("ISR: follower %d killed, out of the ISR after %d ms (replica.lag.time.max.ms %d, "
                + "broker.session.timeout.ms %d); back in the ISR %d ms after its restart%n",
                follower.nodeId(), shrinkMs, LAG_MAX_MS, SESSION_TIMEOUT_MS, expandMs);
        // Before the session timeout: the leader's lag check removed it, not the controller's fencing.
        assertThat(shrinkMs).isGreaterThanOrEqualTo(LAG_MAX_MS - 600).isLessThan(SESSION_TIMEOUT_MS);
        assertThat(Clients.readFromBeginning(allBootstrap(), List.of(new TopicPartition(topic, 0)), 100, WAIT))
                .extracting(ConsumerRecord::value).startsWith("before-0").endsWith("before-99");
    }

    @Test
    @Order(3)
    void withTwoOfThreeBrokersDownMinInsyncReplicasRefusesAcksAllUntilOneReturns() throws Exception {
        String topic = "min-isr";
        TopicPartition tp = new TopicPartition(topic, 0);
        createTopic(topic, 1, Map.of("min.insync.replicas", "2"));
        int leaderId = describe(broker(1), topic).get(0).leader().id();
        SluiceProcess leader = broker(leaderId);
        List<SluiceProcess> followers = brokers.stream().filter(b -> b != leader).toList();
        List<String> acked = new ArrayList<>();
        // No retries: the broker's answer reaches the test as it is.
        Map<String, Object> once = Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.RETRIES_CONFIG, 0,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        try (KafkaProducer<String, String> producer = Clients.producer(leader.bootstrap(), once)) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "v-" + i)).get(20, TimeUnit.SECONDS);
                acked.add("v-" + i);
            }
            followers.forEach(SluiceProcess::kill9);
            awaitOrDump(() -> isr(leader, topic, 0).equals(List.of(leaderId)), "an ISR of the leader alone");

            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(topic, 0, null, "refused")).get(20, TimeUnit.SECONDS));
            assertThat(refused).cause().isInstanceOf(NotEnoughReplicasException.class);

            SluiceProcess returning = followers.get(0);
            returning.restartInBackground();
            returning.awaitReady();
            long restarted = System.nanoTime();
            awaitOrDump(() -> isr(leader, topic, 0).size() == 2, "broker " + returning.nodeId() + " back in the ISR");
            long rejoinMs = millisSince(restarted);
            // An ordinary producer now: it retries NOT_ENOUGH_REPLICAS, which a follower just back may still cause
            // for a moment (one slow fetch on a busy machine can push it out of the ISR again).
            try (KafkaProducer<String, String> retrying = Clients.producer(leader.bootstrap(),
                    Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
                for (int i = 50; i < 100; i++) {
                    try {
                        retrying.send(new ProducerRecord<>(topic, 0, null, "v-" + i)).get(40, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        throw new AssertionError("write " + i + " after broker " + returning.nodeId()
                                + " returned failed; ISR now " + isr(leader, topic, 0) + diagnostics(), e);
                    }
                    acked.add("v-" + i);
                }
            }
            List<String> consumed = Clients.readFromBeginning(leader.bootstrap(), List.of(tp), acked.size(), WAIT)
                    .stream().map(ConsumerRecord::value).toList();
            System.out.printf("min.insync.replicas=2: acks=all refused with NotEnoughReplicasException while 2 of 3 "
                    + "brokers were down; ISR of 2 again %d ms after one restarted; acked %d, consumed %d%n",
                    rejoinMs, acked.size(), consumed.size());
            assertThat(consumed).containsExactlyElementsOf(acked);
        }
    }

    @Test
    @Order(4)
    void aLeaderCutOffBySigstopLosesNoAcknowledgedRecordAndAcknowledgesNothingAfterItsResume() throws Exception {
        String topic = "cut-off";
        int partitions = 2;
        createTopic(topic, partitions, Map.of("min.insync.replicas", "2"));
        int victimId = partitionSeenBy(broker(1), topic, 0).leaderId();
        SluiceProcess victim = broker(victimId);
        List<SluiceProcess> others = brokers.stream().filter(b -> b != victim).toList();
        int epochBefore = partitionSeenBy(others.get(0), topic, 0).leaderEpoch();

        try (AckedRecords records = new AckedRecords(allBootstrap(), topic, partitions).start()) {
            records.awaitAcked(400, WAIT);
            Set<Integer> led = ledBy(victimId, others.get(0), topic, partitions);
            victim.pause();
            records.markFault(led);
            long paused = System.nanoTime();
            awaitOrDump(() -> partitionSeenBy(others.get(0), topic, 0).leaderId() != victimId,
                    "a new leader of partition 0 while broker " + victimId + " is frozen");
            long electedMs = millisSince(paused);
            long failoverMs = records.awaitFailoverMs(WAIT);
            int ackedBeforeResume = records.ackedCount();
            records.awaitAcked(ackedBeforeResume + 400, WAIT);

            // A produce that reaches the frozen leader waits in its socket buffer and is handled on resume, by a
            // node whose metadata still says it leads partition 0.
            String probe = "stale-" + victimId;
            RawKafkaConnection toVictim = RawKafkaConnection.open(victim.port());
            CompletableFuture<PartitionProduceResponse> staleAnswer = CompletableFuture.supplyAsync(() ->
                    toVictim.produce(topic, 0, MemoryRecords.withRecords(Compression.NONE,
                            new SimpleRecord(probe.getBytes(StandardCharsets.UTF_8)))));
            victim.resume();
            long resumed = System.nanoTime();
            PartitionProduceResponse answer = staleAnswer.get(30, TimeUnit.SECONDS);
            toVictim.close();
            awaitOrDump(() -> partitionSeenBy(victim, topic, 0).leaderId() != victimId,
                    "broker " + victimId + " to learn it no longer leads partition 0");
            long learnedMs = millisSince(resumed);
            MetadataResponsePartition seenByVictim = partitionSeenBy(victim, topic, 0);
            awaitOrDump(() -> isr(others.get(0), topic, 0).contains(victimId),
                    "broker " + victimId + " back in the ISR of partition 0");
            records.awaitAcked(records.ackedCount() + 200, WAIT);
            records.stop();

            int consumed = records.assertEveryAckedRecordPresent(allBootstrap(), Set.of(probe), WAIT);
            System.out.printf("SIGSTOP of leader %d: new leader elected after %d ms, failover (stop to first ack "
                    + "of a record sent after it) %d ms; the stale leader answered a produce with %s and learned "
                    + "the new epoch %d ms after resuming; acked %d, consumed %d%n", victimId, electedMs, failoverMs,
                    Errors.forCode(answer.errorCode()), learnedMs, records.ackedCount(), consumed);
            assertThat(Errors.forCode(answer.errorCode())).isNotEqualTo(Errors.NONE);
            assertThat(seenByVictim.leaderEpoch()).isGreaterThan(epochBefore);
            records.assertAckedWithoutGaps();

            // Every replica holds the acknowledged records, the one that was cut off included: make it the only
            // live replica, so that it leads, and read everything from it.
            others.forEach(SluiceProcess::kill9);
            awaitOrDump(() -> partitionSeenBy(victim, topic, 0).leaderId() == victimId
                    && partitionSeenBy(victim, topic, 1).leaderId() == victimId,
                    "broker " + victimId + " leading both partitions again");
            int consumedFromVictim = records.assertEveryAckedRecordPresent(victim.bootstrap(), Set.of(probe), WAIT);
            System.out.printf("Read back from the once cut-off broker %d as the only replica: %d records%n",
                    victimId, consumedFromVictim);
        }
    }
}
