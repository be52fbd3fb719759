package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.BrokerConfig;
import io.sluice.it.Poll;
import io.sluice.server.SluiceServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice share-groups} against a broker serving share groups, with a KafkaShareConsumer as the member. */
class ShareGroupsCommandIntegrationTest {
    @TempDir
    static Path dataDir;
    private static SluiceServer server;
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        server = SluiceServer.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dataDir.toString(), "group.coordinator.rebalance.protocols", "classic,consumer,share",
                "group.share.heartbeat.interval.ms", "500", "offsets.topic.num.partitions", "1")));
        bootstrap = "127.0.0.1:" + server.boundPort();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("jobs", Optional.of(2), Optional.empty()))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static CliRun shareGroups(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "share-groups";
        full[1] = "--bootstrap-server";
        full[2] = bootstrap;
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.run(full);
    }

    @Test
    void listDescribeAndDeleteAShareGroup() {
        try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(Map.of(
                "bootstrap.servers", bootstrap, "group.id", "workers", "client.id", "worker-1",
                "key.deserializer", StringDeserializer.class.getName(),
                "value.deserializer", StringDeserializer.class.getName()))) {
            consumer.subscribe(List.of("jobs"));
            Poll.until(Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(100));
                return shareGroups("--describe", "--group", "workers").out().contains("jobs:0,1");
            }, "the member to be described with both partitions");

            assertThat(shareGroups("--list").out().lines()).contains("workers");
            CliRun members = shareGroups("--describe", "--group", "workers", "--members");
            assertThat(members.exitCode()).as(members.err()).isZero();
            assertThat(members.out()).contains("MEMBER-EPOCH").contains("worker-1").contains("jobs:0,1");
            CliRun state = shareGroups("--describe", "--group", "workers", "--state");
            assertThat(state.out()).contains("GROUP-EPOCH").contains("Stable");
        }
        Poll.until(Duration.ofSeconds(30), () -> shareGroups("--describe", "--group", "workers", "--state").out()
                .contains("Empty"), "the member to have left");
        CliRun delete = shareGroups("--delete", "--group", "workers");
        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(shareGroups("--list").out().lines()).doesNotContain("workers");
        assertThat(shareGroups("--describe", "--group", "nobody").exitCode()).isNotZero();
    }
}
