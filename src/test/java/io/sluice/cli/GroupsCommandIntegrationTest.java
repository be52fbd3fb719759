package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.BrokerConfig;
import io.sluice.server.SluiceServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice groups} against an in-process broker. Topic "orders" has 3 partitions of 10 records
 * each; each test uses its own group, seeded with committed offsets 4, 5 and 6 (lag 6 + 5 + 4 = 15).
 */
class GroupsCommandIntegrationTest {
    private static final String TOPIC = "orders";
    private static final int PARTITIONS = 3;
    private static final int RECORDS_PER_PARTITION = 10;

    @TempDir
    static Path dataDir;

    private static SluiceServer server;
    private static String bootstrap;
    private static Admin admin;

    @BeforeAll
    static void startBrokerAndProduce() throws Exception {
        server = SluiceServer.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dataDir.toString(), "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "5")));
        bootstrap = "127.0.0.1:" + server.boundPort();
        admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(PARTITIONS), Optional.empty()))).all().get();
        Map<String, Object> props = Map.of("bootstrap.servers", bootstrap,
                "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, p, "k" + i, "v" + i));
                }
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static TopicPartition orders(int partition) {
        return new TopicPartition(TOPIC, partition);
    }

    /** Commits 4, 5, 6 on the three partitions for the group, through the Admin API (no member joins). */
    private static void seedOffsets(String group) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(orders(0), new OffsetAndMetadata(4), orders(1),
                new OffsetAndMetadata(5), orders(2), new OffsetAndMetadata(6))).all().get();
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> result = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((tp, offset) -> result.put(tp, offset.offset()));
        return result;
    }

    private static CliRun groups(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "groups";
        full[1] = "--bootstrap-server";
        full[2] = bootstrap;
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.run(full);
    }

    /** A subscribed consumer that has joined the group and got its partitions (polls with a deadline). */
    private static KafkaConsumer<String, String> activeMember(String group) {
        return activeMember(group, Map.of());
    }

    private static KafkaConsumer<String, String> activeMember(String group, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>(extra);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "member-of-" + group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(TOPIC));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (consumer.assignment().size() < PARTITIONS) {
            assertThat(System.nanoTime()).as("joined the group in time").isLessThan(deadline);
            consumer.poll(Duration.ofMillis(100));
        }
        return consumer;
    }

    @Test
    void listShowsGroupsWithCommittedOffsets() throws Exception {
        seedOffsets("listed");

        CliRun run = groups("--list");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()).contains("listed");
    }

    @Test
    void describeShowsOffsetsLagAndTotalLag() throws Exception {
        seedOffsets("described");

        CliRun run = groups("--describe", "--group", "described");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Consumer group 'described' has no active members.")
                .contains("GROUP ").contains("CURRENT-OFFSET").contains("LOG-END-OFFSET").contains("LAG")
                .endsWith("TOTAL LAG: 15\n");
        assertThat(run.out().lines().filter(line -> line.startsWith("described ")))
                .containsExactly(
                        "described orders 0         4              10             6   -           -    -",
                        "described orders 1         5              10             5   -           -    -",
                        "described orders 2         6              10             4   -           -    -");
    }

    @Test
    void describeShowsActiveMembersAndState() throws Exception {
        try (KafkaConsumer<String, String> consumer = activeMember("busy-describe")) {
            CliRun offsets = groups("--describe", "--group", "busy-describe");
            CliRun members = groups("--describe", "--group", "busy-describe", "--members");
            CliRun state = groups("--describe", "--group", "busy-describe", "--state");

            assertThat(offsets.exitCode()).as(offsets.err()).isZero();
            assertThat(offsets.out()).contains("member-of-busy-describe").contains("TOTAL LAG:");
            assertThat(members.out()).contains("#PARTITIONS").contains("member-of-busy-describe " + PARTITIONS);
            assertThat(state.out()).contains("Stable").contains("range");
        }
    }

    @Test
    void describeShowsTheEpochsAndAssignmentsOfAConsumerProtocolGroup() throws Exception {
        try (KafkaConsumer<String, String> consumer = activeMember("modern-describe",
                Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"))) {
            CliRun members = groups("--describe", "--group", "modern-describe", "--members");
            CliRun state = groups("--describe", "--group", "modern-describe", "--state");

            assertThat(members.exitCode()).as(members.err()).isZero();
            assertThat(members.out()).contains("CURRENT-EPOCH").contains("TARGET-ASSIGNMENT")
                    .contains("member-of-modern-describe").contains("orders:0,1,2 ");
            assertThat(state.exitCode()).as(state.err()).isZero();
            assertThat(state.out()).contains("TYPE").contains("consumer").contains("GROUP-EPOCH")
                    .contains("Stable").contains("uniform");
        }
        // Once its member left, the KIP-848 group's offsets are reset like a classic group's, then it is deleted.
        CliRun reset = groups("--reset-offsets", "--group", "modern-describe", "--topic", TOPIC, "--to-offset", "3",
                "--execute");
        assertThat(reset.exitCode()).as(reset.err()).isZero();
        assertThat(committed("modern-describe")).isEqualTo(Map.of(orders(0), 3L, orders(1), 3L, orders(2), 3L));
        CliRun delete = groups("--delete", "--group", "modern-describe");
        assertThat(delete.exitCode()).as(delete.err()).isZero();
    }

    @Test
    void describingAnUnknownGroupFails() {
        CliRun run = groups("--describe", "--group", "nobody-here");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("Consumer group 'nobody-here' does not exist.");
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        seedOffsets("dry");

        CliRun run = groups("--reset-offsets", "--group", "dry", "--topic", TOPIC, "--to-earliest", "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("GROUP TOPIC  PARTITION NEW-OFFSET\n"
                + "dry   orders 0         0\n"
                + "dry   orders 1         0\n"
                + "dry   orders 2         0\n");
        assertThat(committed("dry")).isEqualTo(Map.of(orders(0), 4L, orders(1), 5L, orders(2), 6L));
    }

    @Test
    void executeCommitsTheNewOffsets() throws Exception {
        seedOffsets("executed");

        CliRun toOffset = groups("--reset-offsets", "--group", "executed", "--topic", TOPIC + ":0,2", "--to-offset", "2",
                "--execute");
        assertThat(toOffset.exitCode()).as(toOffset.err()).isZero();
        assertThat(committed("executed")).isEqualTo(Map.of(orders(0), 2L, orders(1), 5L, orders(2), 2L));

        CliRun toLatest = groups("--reset-offsets", "--group", "executed", "--all-topics", "--to-latest", "--execute");
        assertThat(toLatest.exitCode()).as(toLatest.err()).isZero();
        assertThat(committed("executed")).isEqualTo(Map.of(orders(0), 10L, orders(1), 10L, orders(2), 10L));

        CliRun shifted = groups("--reset-offsets", "--group", "executed", "--all-topics", "--shift-by", "-3", "--execute");
        assertThat(shifted.exitCode()).as(shifted.err()).isZero();
        assertThat(committed("executed")).isEqualTo(Map.of(orders(0), 7L, orders(1), 7L, orders(2), 7L));

        CliRun byTime = groups("--reset-offsets", "--group", "executed", "--all-topics", "--to-datetime",
                "2000-01-01T00:00:00.000", "--execute");
        assertThat(byTime.exitCode()).as(byTime.err()).isZero();
        assertThat(committed("executed")).isEqualTo(Map.of(orders(0), 0L, orders(1), 0L, orders(2), 0L));
    }

    @Test
    void resetIsRefusedWhileTheGroupHasMembers() throws Exception {
        try (KafkaConsumer<String, String> consumer = activeMember("busy-reset")) {
            CliRun run = groups("--reset-offsets", "--group", "busy-reset", "--all-topics", "--to-earliest", "--execute");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains(
                    "Assignments can only be reset if the group 'busy-reset' is inactive, but the current state is Stable.");
        }
    }

    @Test
    void deleteRemovesAnEmptyGroup() throws Exception {
        seedOffsets("doomed");

        CliRun run = groups("--delete", "--group", "doomed");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("Deletion of requested consumer groups ('doomed') was successful.\n");
        assertThat(committed("doomed")).isEmpty();
        assertThat(groups("--list").out().lines()).doesNotContain("doomed");
    }

    @Test
    void deletingAGroupWithMembersFails() throws Exception {
        try (KafkaConsumer<String, String> consumer = activeMember("busy-delete")) {
            CliRun run = groups("--delete", "--group", "busy-delete");

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).contains("Deletion of some consumer groups failed:")
                    .contains("* Group 'busy-delete' could not be deleted due to:");
        }
    }
}
