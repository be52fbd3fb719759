package io.sluice.it.cluster;

import static io.sluice.it.cluster.BrokerFaultsIntegrationTest.isr;
import static io.sluice.it.cluster.BrokerFaultsIntegrationTest.ledBy;
import static io.sluice.it.cluster.BrokerFaultsIntegrationTest.partitionSeenBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.Clients;
import io.sluice.it.Poll;
import io.sluice.it.RawKafkaConnection;
import io.sluice.it.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the active controller: three nodes that are each broker and metadata quorum voter, the Raft leader
 * among them killed with SIGKILL or frozen with SIGSTOP while an idempotent producer writes with acks=all to a
 * topic of replication factor 3. No acknowledged record may be lost. Each test leaves all three nodes running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllerFaultsIntegrationTest {
    private static final int PARTITIONS = 3;
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    static Path dir;
    private static List<SluiceProcess> nodes = List.of();

    @BeforeAll
    static void startCluster() {
        long begin = System.nanoTime();
        nodes = SluiceProcess.startCluster(dir, 3, Map.of(
                "broker.session.timeout.ms", "3000",
                "replica.lag.time.max.ms", "2000",
                "offsets.topic.num.partitions", "1"));
        System.out.printf("3 combined broker/controller nodes ready in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }

    @AfterAll
    static void stopCluster() {
        nodes.forEach(SluiceProcess::close);
    }

    @AfterEach
    void bringEveryNodeBack() {
        for (SluiceProcess node : nodes) {
            if (node.isPaused()) {
                node.resume();
            }
            if (!node.isAlive()) {
                node.restartInBackground();
            }
        }
        nodes.forEach(SluiceProcess::awaitReady);
        BrokerFaultsIntegrationTest.awaitAllLive(nodes, WAIT);
    }

    private static String bootstrap(List<SluiceProcess> which) {
        return which.stream().map(SluiceProcess::bootstrap).collect(Collectors.joining(","));
    }

    /** The controller id in this very node's Metadata answer (an Admin client might ask a frozen node and hang). */
    private static int controllerSeenBy(SluiceProcess node) {
        try (RawKafkaConnection connection = RawKafkaConnection.open(node.port())) {
            MetadataResponseData metadata = connection.send(new MetadataRequestData().setTopics(List.of()), (short) 12);
            return metadata.controllerId();
        }
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Clients.admin(bootstrap(nodes))) {
            BrokerFaultsIntegrationTest.createUntilAccepted(admin, new NewTopic(topic, PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")), WAIT);
        }
        for (SluiceProcess node : nodes) {
            Poll.until(WAIT, () -> IntStream.range(0, PARTITIONS).allMatch(p -> isr(node, topic, p).size() == 3),
                    "full ISRs of " + topic + " as node " + node.nodeId() + " sees them");
        }
    }

    private static Set<Integer> partitionsHit(int nodeId, String topic) {
        Set<Integer> led = ledBy(nodeId, nodes.stream().filter(n -> n.nodeId() != nodeId).findFirst().orElseThrow(),
                topic, PARTITIONS);
        return led.isEmpty() ? IntStream.range(0, PARTITIONS).boxed().collect(Collectors.toSet()) : led;
    }

    @Test
    @Order(1)
    void killingTheActiveControllerWhileProducingLosesNoAcknowledgedRecord() throws Exception {
        String topic = "controller-killed";
        createTopic(topic);
        int controllerId = controllerSeenBy(nodes.get(0));
        SluiceProcess controller = nodes.get(controllerId - 1);
        List<SluiceProcess> survivors = nodes.stream().filter(n -> n != controller).toList();

        try (AckedRecords records = new AckedRecords(bootstrap(nodes), topic, PARTITIONS).start()) {
            records.awaitAcked(400, WAIT);
            records.markFault(partitionsHit(controllerId, topic));
            controller.kill9();
            long failoverMs = records.awaitFailoverMs(WAIT);
            Poll.until(WAIT, () -> controllerSeenBy(survivors.get(0)) != controllerId, "a new active controller");
            records.awaitAcked(records.ackedCount() + 400, WAIT);
            records.stop();

            int consumed = records.assertEveryAckedRecordPresent(bootstrap(survivors), Set.of(), WAIT);
            System.out.printf("Active controller %d killed with SIGKILL while producing: failover (kill to first ack "
                    + "of a record sent after it) %d ms; acked %d, consumed %d%n", controllerId, failoverMs,
                    records.ackedCount(), consumed);
            records.assertAckedWithoutGaps();
        }
    }

    @Test
    @Order(2)
    void cuttingOffTheActiveControllerWithSigstopLosesNoAcknowledgedRecord() throws Exception {
        String topic = "controller-cut-off";
        createTopic(topic);
        int controllerId = controllerSeenBy(nodes.get(0));
        SluiceProcess controller = nodes.get(controllerId - 1);
        List<SluiceProcess> others = nodes.stream().filter(n -> n != controller).toList();

        try (AckedRecords records = new AckedRecords(bootstrap(nodes), topic, PARTITIONS).start()) {
            records.awaitAcked(400, WAIT);
            Set<Integer> hit = partitionsHit(controllerId, topic);
            controller.pause();
            records.markFault(hit);
            long paused = System.nanoTime();
            Poll.until(WAIT, () -> controllerSeenBy(others.get(0)) != controllerId, "a new active controller");
            long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - paused);
            long failoverMs;
            try {
                failoverMs = records.awaitFailoverMs(WAIT);
            } catch (AssertionError e) {
                StringBuilder logs = new StringBuilder(e.getMessage());
                others.forEach(n -> logs.append("\n=== node ").append(n.nodeId()).append('\n').append(n.diagnostics()));
                throw new AssertionError(logs.toString(), e);
            }
            records.awaitAcked(records.ackedCount() + 400, WAIT);

            controller.resume();
            long resumed = System.nanoTime();
            int newController = controllerSeenBy(others.get(0));
            Poll.until(WAIT, () -> controllerSeenBy(controller) == newController
                    && IntStream.range(0, PARTITIONS).allMatch(p -> partitionSeenBy(controller, topic, p).leaderId()
                    == partitionSeenBy(others.get(0), topic, p).leaderId()),
                    "node " + controllerId + " to follow the new controller and the new leaders");
            long learnedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed);
            Poll.until(WAIT, () -> IntStream.range(0, PARTITIONS).allMatch(p -> isr(others.get(0), topic, p).size() == 3),
                    "node " + controllerId + " back in every ISR");
            records.awaitAcked(records.ackedCount() + 200, WAIT);
            records.stop();

            int consumed = records.assertEveryAckedRecordPresent(bootstrap(nodes), Set.of(), WAIT);
            System.out.printf("Active controller %d cut off with SIGSTOP while producing: controller %d elected after "
                    + "%d ms, failover (stop to first ack of a record sent after it) %d ms; the old controller "
                    + "followed the new one %d ms after resuming; acked %d, consumed %d%n", controllerId,
                    newController, electedMs, failoverMs, learnedMs, records.ackedCount(), consumed);
            assertThat(newController).isNotEqualTo(controllerId);
            records.assertAckedWithoutGaps();
        }
    }
}
