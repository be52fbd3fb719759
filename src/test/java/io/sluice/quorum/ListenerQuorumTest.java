package io.sluice.quorum;

import io.sluice.config.QuorumVoter;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A controller (one voter) and a broker-only node that follows the metadata log as a Raft listener. */
class ListenerQuorumTest {
    @TempDir
    Path dir;
    private QuorumNodes nodes;

    @BeforeEach
    void createNodes() {
        nodes = new QuorumNodes(dir);
    }

    @AfterEach
    void closeAll() {
        nodes.close();
    }

    @Test
    void aListenerFollowsTheLogRelaysChangesAndHeartbeatsToTheActiveController() throws Exception {
        int port = QuorumNodes.freePort();
        List<QuorumVoter> voters = List.of(new QuorumVoter(1, "127.0.0.1", port));
        RatisMetadataService controller = nodes.start(1, voters, new InetSocketAddress("127.0.0.1", port));
        RatisMetadataService broker = nodes.start(2, voters, new InetSocketAddress("127.0.0.1", 0));

        assertThat(controller.isActiveController()).isTrue();
        assertThat(broker.isActiveController()).isFalse();
        assertThat(broker.activeControllerId()).isEqualTo(1);
        assertThat(broker.clusterId()).isEqualTo(controller.clusterId());

        Uuid incarnation = Uuid.randomUuid();
        broker.controller().registerBroker(2, "broker2", 9092, null, incarnation).get(10, TimeUnit.SECONDS);
        // The registration was relayed to the leader and is in the broker's own image once the future completes.
        assertThat(broker.image().brokers().get(2).incarnationId()).isEqualTo(incarnation);
        assertThat(controller.image().brokers()).containsKey(2);

        Uuid topicId = broker.controller().createTopic("relayed", 2, (short) 1, Map.of(), false)
                .get(10, TimeUnit.SECONDS);
        assertThat(broker.image().topic("relayed").id()).isEqualTo(topicId);
        assertThat(controller.image().topic("relayed").id()).isEqualTo(topicId);

        // Heartbeats travel to the active controller as read-only Raft requests.
        assertThat(broker.controller().brokerHeartbeat(2, incarnation).get(10, TimeUnit.SECONDS))
                .isEqualTo(Errors.NONE);
        assertThat(broker.controller().brokerHeartbeat(2, Uuid.randomUuid()).get(10, TimeUnit.SECONDS))
                .isEqualTo(Errors.STALE_BROKER_EPOCH);
        assertThat(broker.controller().brokerHeartbeat(7, incarnation).get(10, TimeUnit.SECONDS))
                .isEqualTo(Errors.BROKER_ID_NOT_REGISTERED);
    }

    @Test
    void aSecondListenerDoesNotPushTheFirstOutOfTheConfiguration() throws Exception {
        int port = QuorumNodes.freePort();
        List<QuorumVoter> voters = List.of(new QuorumVoter(1, "127.0.0.1", port));
        RatisMetadataService controller = nodes.start(1, voters, new InetSocketAddress("127.0.0.1", port));
        RatisMetadataService first = nodes.start(2, voters, new InetSocketAddress("127.0.0.1", 0));
        RatisMetadataService second = nodes.start(3, voters, new InetSocketAddress("127.0.0.1", 0));

        controller.controller().registerBroker(1, "broker1", 9092, null, Uuid.randomUuid()).get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!first.image().brokers().containsKey(1) || !second.image().brokers().containsKey(1))
                && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
        }
        assertThat(first.image().brokers()).containsKey(1);
        assertThat(second.image().brokers()).containsKey(1);
    }
}
