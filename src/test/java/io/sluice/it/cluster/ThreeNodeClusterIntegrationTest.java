package io.sluice.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.Clients;
import io.sluice.it.Poll;
import io.sluice.it.RawKafkaConnection;
import io.sluice.it.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three broker processes, each also a metadata quorum voter, on loopback. The tests share the cluster and run in
 * order: the later ones kill nodes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ThreeNodeClusterIntegrationTest {
    private static final long SESSION_TIMEOUT_MS = 3_000;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final short METADATA_VERSION = 12;

    @TempDir
    static Path dir;
    private static List<SluiceProcess> nodes;

    @BeforeAll
    static void startCluster() {
        long begin = System.nanoTime();
        nodes = SluiceProcess.startCluster(dir, 3, Map.of(
                "broker.session.timeout.ms", Long.toString(SESSION_TIMEOUT_MS),
                "offsets.topic.num.partitions", "3"));
        System.out.printf("3-node cluster ready in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }

    @AfterAll
    static void stopCluster() {
        if (nodes != null) {
            nodes.forEach(SluiceProcess::close);
        }
    }

    private static SluiceProcess node(int id) {
        return nodes.get(id - 1);
    }

    private static MetadataResponseData metadata(SluiceProcess node, String topic) {
        try (RawKafkaConnection connection = RawKafkaConnection.open(node.port())) {
            MetadataRequestData request = new MetadataRequestData().setAllowAutoTopicCreation(false)
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(topic)));
            return connection.send(request, METADATA_VERSION);
        }
    }

    private static Map<Integer, MetadataResponsePartition> partitions(SluiceProcess node, String topic) {
        MetadataResponseTopic described = metadata(node, topic).topics().iterator().next();
        Map<Integer, MetadataResponsePartition> byIndex = new HashMap<>();
        described.partitions().forEach(p -> byIndex.put(p.partitionIndex(), p));
        return byIndex;
    }

    private static int controllerId(SluiceProcess via) throws Exception {
        try (Admin admin = Clients.admin(via.bootstrap())) {
            return admin.describeCluster().controller().get(10, TimeUnit.SECONDS).id();
        }
    }

    private static List<Integer> liveBrokerIds(SluiceProcess via) {
        return metadata(via, "none").brokers().stream().map(b -> b.nodeId()).sorted().toList();
    }

    @Test
    @Order(1)
    void aTopicCreatedThroughNode2IsVisibleInMetadataFromEveryNode() throws Exception {
        try (Admin admin = Clients.admin(node(2).bootstrap())) {
            admin.createTopics(List.of(new NewTopic("shared", 3, (short) 3))).all().get(20, TimeUnit.SECONDS);
        }
        for (SluiceProcess node : nodes) {
            Poll.until(WAIT, () -> {
                Map<Integer, MetadataResponsePartition> parts = partitions(node, "shared");
                return parts.size() == 3 && parts.values().stream().allMatch(p -> p.leaderId() >= 0
                        && p.replicaNodes().size() == 3 && p.isrNodes().size() == 3);
            }, "topic 'shared' in the Metadata of node " + node.nodeId());
        }
        // Preferred leaders are spread: each broker leads one of the three partitions.
        assertThat(partitions(node(1), "shared").values().stream().map(MetadataResponsePartition::leaderId))
                .containsExactlyInAnyOrder(1, 2, 3);
    }

    @Test
    @Order(2)
    void describeClusterShowsThreeBrokersAndTheSameControllerEverywhere() throws Exception {
        int controller = controllerId(node(1));
        assertThat(controller).isBetween(1, 3);
        for (SluiceProcess node : nodes) {
            try (Admin admin = Clients.admin(node.bootstrap())) {
                DescribeClusterResult cluster = admin.describeCluster();
                Collection<Node> brokers = cluster.nodes().get(10, TimeUnit.SECONDS);
                assertThat(brokers).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3);
                assertThat(cluster.controller().get(10, TimeUnit.SECONDS).id()).isEqualTo(controller);
                assertThat(cluster.clusterId().get(10, TimeUnit.SECONDS)).isNotBlank();
            }
        }
    }

    @Test
    @Order(3)
    void aKilledBrokerLosesItsLeadershipsAfterTheSessionTimeoutAndRejoinsAfterRestart() throws Exception {
        int controller = controllerId(node(1));
        SluiceProcess victim = nodes.stream().filter(n -> n.nodeId() != controller).findFirst().orElseThrow();
        SluiceProcess observer = nodes.stream().filter(n -> n != victim).findFirst().orElseThrow();
        Map<Integer, MetadataResponsePartition> before = partitions(observer, "shared");

        victim.kill9();
        long killed = System.nanoTime();
        Poll.until(WAIT, () -> partitions(observer, "shared").values().stream().allMatch(p ->
                p.leaderId() >= 0 && p.leaderId() != victim.nodeId() && !p.isrNodes().contains(victim.nodeId())),
                "leaders and ISRs without broker " + victim.nodeId());
        long movedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.printf("Broker %d killed: its partitions had new leaders after %d ms (session timeout %d ms)%n",
                victim.nodeId(), movedMs, SESSION_TIMEOUT_MS);
        // The last heartbeat may have come up to one interval (1 s) before the kill.
        assertThat(movedMs).isGreaterThanOrEqualTo(SESSION_TIMEOUT_MS - 1_000);
        assertThat(liveBrokerIds(observer)).doesNotContain(victim.nodeId());

        Map<Integer, MetadataResponsePartition> after = partitions(observer, "shared");
        for (MetadataResponsePartition old : before.values()) {
            MetadataResponsePartition now = after.get(old.partitionIndex());
            if (old.leaderId() == victim.nodeId()) {
                assertThat(now.leaderEpoch()).isGreaterThan(old.leaderEpoch());
            } else {
                assertThat(now.leaderId()).isEqualTo(old.leaderId());
                assertThat(now.leaderEpoch()).isEqualTo(old.leaderEpoch());
            }
        }

        victim.restartInBackground();
        victim.awaitReady();
        Poll.until(WAIT, () -> liveBrokerIds(observer).contains(victim.nodeId()),
                "broker " + victim.nodeId() + " unfenced after its restart");
        // The restarted broker's own replica of the metadata log applies its unfencing a moment later.
        Poll.until(WAIT, () -> liveBrokerIds(victim).equals(List.of(1, 2, 3)),
                "broker " + victim.nodeId() + " sees all three brokers live");
    }

    @Test
    @Order(4)
    void killingTheActiveControllerElectsAnotherThatCreatesTopicsWithinSeconds() throws Exception {
        int controller = controllerId(nodes.stream().filter(SluiceProcess::isAlive).findFirst().orElseThrow());
        SluiceProcess old = node(controller);
        List<SluiceProcess> survivors = nodes.stream().filter(n -> n != old).toList();

        old.kill9();
        long killed = System.nanoTime();
        AtomicInteger attempt = new AtomicInteger();
        try (Admin admin = Clients.admin(survivors.get(0).bootstrap() + "," + survivors.get(1).bootstrap())) {
            Poll.until(WAIT, () -> {
                try {
                    admin.createTopics(List.of(new NewTopic("after-failover-" + attempt.incrementAndGet(), 1,
                            (short) 1))).all().get(5, TimeUnit.SECONDS);
                    return true;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "a topic creation after the controller died");
        } catch (AssertionError e) {
            StringBuilder logs = new StringBuilder(e.getMessage());
            survivors.forEach(n -> logs.append("\n=== node ").append(n.nodeId()).append('\n').append(n.diagnostics()));
            throw new AssertionError(logs.toString(), e);
        }
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.printf("Active controller %d killed: a topic was created %d ms later (attempts %d)%n",
                controller, failoverMs, attempt.get());
        assertThat(failoverMs).isLessThan(15_000);

        int newController = controllerId(survivors.get(0));
        assertThat(newController).isNotEqualTo(controller);
        for (SluiceProcess survivor : survivors) {
            Poll.until(WAIT, () -> metadata(survivor, "after-failover-" + attempt.get()).topics().iterator().next()
                    .errorCode() == 0, "the new topic in the Metadata of node " + survivor.nodeId());
        }
    }
}
