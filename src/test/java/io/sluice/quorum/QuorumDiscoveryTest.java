package io.sluice.quorum;

import io.sluice.config.QuorumVoter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker-only node learns the voters from a controller's Raft endpoint (controller.quorum.bootstrap.servers). */
class QuorumDiscoveryTest {
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
    void theVotersLearnedFromABootstrapServerLetABrokerJoinTheSameCluster() throws Exception {
        int port = QuorumNodes.freePort();
        List<QuorumVoter> voters = List.of(new QuorumVoter(3, "127.0.0.1", port));
        RatisMetadataService controller = nodes.start(3, voters, new InetSocketAddress("127.0.0.1", port));
        int deadPort = QuorumNodes.freePort();

        // The first endpoint is down: discovery goes on to the next one.
        long begin = System.nanoTime();
        List<QuorumVoter> learned = QuorumDiscovery.discover(List.of(
                InetSocketAddress.createUnresolved("127.0.0.1", deadPort),
                InetSocketAddress.createUnresolved("127.0.0.1", port)), Duration.ofSeconds(20));

        System.out.printf("Voters learned from the bootstrap servers in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        assertThat(learned).containsExactlyElementsOf(voters);
        RatisMetadataService broker = nodes.start(8, learned, new InetSocketAddress("127.0.0.1", 0));
        assertThat(broker.clusterId()).isEqualTo(controller.clusterId());
        assertThat(broker.activeControllerId()).isEqualTo(3);
        Uuid incarnation = Uuid.randomUuid();
        broker.controller().registerBroker(8, "broker8", 9092, null, incarnation).get(10, TimeUnit.SECONDS);
        assertThat(controller.image().brokers().get(8).incarnationId()).isEqualTo(incarnation);
    }

    @Test
    void noAnsweringBootstrapServerFailsAfterTheTimeoutNamingTheServers() throws Exception {
        int deadPort = QuorumNodes.freePort();

        assertThatThrownBy(() -> QuorumDiscovery.discover(
                List.of(InetSocketAddress.createUnresolved("127.0.0.1", deadPort)), Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[127.0.0.1:" + deadPort + "]")
                .hasMessageContaining("within 500 ms");
    }
}
