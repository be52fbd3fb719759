package io.sluice.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A controller (one voter) and a broker-only node that follows the metadata log as a Raft listener. */
class ListenerQuorumTest {
    @TempDir
    Path dir;
    private final List<RatisMetadataService> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(RatisMetadataService::close);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private RatisMetadataService start(int nodeId, List<QuorumVoter> voters, InetSocketAddress raft) {
        MetadataServiceConfig config = MetadataServiceConfig.singleNode(dir.resolve("node-" + nodeId), nodeId, 1,
                        (short) 1, configs -> { })
                .withVoters(voters).withRaftAddress(raft).withStartTimeout(Duration.ofSeconds(30));
        RatisMetadataService service = RatisMetadataService.start(config);
        started.add(service);
        return service;
    }

    @Test
    void aListenerFollowsTheLogRelaysChangesAndHeartbeatsToTheActiveController() throws Exception {
        int port = freePort();
        List<QuorumVoter> voters = List.of(new QuorumVoter(1, InetSocketAddress.createUnresolved("127.0.0.1", port)));
        RatisMetadataService controller = start(1, voters, new InetSocketAddress("127.0.0.1", port));
        RatisMetadataService broker = start(2, voters, new InetSocketAddress("127.0.0.1", 0));

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
        int port = freePort();
        List<QuorumVoter> voters = List.of(new QuorumVoter(1, InetSocketAddress.createUnresolved("127.0.0.1", port)));
        RatisMetadataService controller = start(1, voters, new InetSocketAddress("127.0.0.1", port));
        RatisMetadataService first = start(2, voters, new InetSocketAddress("127.0.0.1", 0));
        RatisMetadataService second = start(3, voters, new InetSocketAddress("127.0.0.1", 0));

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
