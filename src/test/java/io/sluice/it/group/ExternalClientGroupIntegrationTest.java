package io.sluice.it.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.ExternalTool;
import io.sluice.it.Poll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups of non-Java clients: kafka-python 2.0.2 and kcat (librdkafka) balanced consumers, alone and as
 * classic members of a KIP-848 group.
 */
class ExternalClientGroupIntegrationTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration TIMEOUT = Duration.ofSeconds(40);

    @TempDir
    static Path dataDir;
    private static GroupTestBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = GroupTestBroker.start(dataDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void kafkaPythonConsumerGroupAutoCommitsWhatItConsumed() throws Exception {
        requireKafkaPython();
        broker.createTopic("py-topic", 2);
        broker.produce("py-topic", 0, 0, 3);
        broker.produce("py-topic", 1, 3, 6);
        Path script = dataDir.resolve("consume.py");
        Files.writeString(script, """
                import sys
                from kafka import KafkaConsumer
                consumer = KafkaConsumer('py-topic', bootstrap_servers=sys.argv[1], group_id='py-group',
                                         enable_auto_commit=True, auto_commit_interval_ms=100,
                                         auto_offset_reset='earliest', consumer_timeout_ms=20000)
                seen = 0
                for message in consumer:
                    print(message.partition, message.offset, message.value.decode())
                    seen += 1
                    if seen == 6:
                        break
                consumer.close()
                """);
        ExternalTool.Result result = ExternalTool.run(List.of(PYTHON, script.toString(), broker.bootstrap()), null, dataDir, TIMEOUT);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout().lines().map(line -> line.split(" ")[2]))
                .containsExactlyInAnyOrder("value-0", "value-1", "value-2", "value-3", "value-4", "value-5");
        Map<TopicPartition, OffsetAndMetadata> committed = committed("py-group");
        assertThat(committed.get(new TopicPartition("py-topic", 0)).offset()).isEqualTo(3);
        assertThat(committed.get(new TopicPartition("py-topic", 1)).offset()).isEqualTo(3);
    }

    /** A KIP-848 Java member of the group, polling on its own thread until closed; its assignment is visible. */
    private static final class Kip848Member implements AutoCloseable {
        final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Kip848Member(String group, String topic) {
            thread = new Thread(() -> {
                try (KafkaConsumer<String, String> consumer = broker.modernConsumer(group,
                        Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"))) {
                    consumer.subscribe(List.of(topic));
                    while (!stop.get()) {
                        consumer.poll(Duration.ofMillis(100));
                        assignment.clear();
                        assignment.addAll(consumer.assignment());
                    }
                }
            }, "kip848-member");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    @Test
    void aKafkaPythonConsumerJoinsAGroupOfTheKip848ProtocolAsAClassicMember() throws Exception {
        requireKafkaPython();
        broker.createTopic("mixed-topic", 2);
        broker.produce("mixed-topic", 0, 0, 10);
        broker.produce("mixed-topic", 1, 10, 20);
        try (Kip848Member java = new Kip848Member("mixed-group", "mixed-topic")) {
            Poll.until(TIMEOUT, () -> java.assignment.size() == 2, "the KIP-848 member to own both partitions");
            Path script = dataDir.resolve("mixed.py");
            Files.writeString(script, """
                    import sys
                    from kafka import KafkaConsumer
                    consumer = KafkaConsumer('mixed-topic', bootstrap_servers=sys.argv[1], group_id='mixed-group',
                                             enable_auto_commit=False, auto_offset_reset='earliest',
                                             consumer_timeout_ms=30000)
                    seen = 0
                    for message in consumer:
                        print(message.partition, message.value.decode())
                        seen += 1
                        if seen == 10:
                            break
                    consumer.close()
                    """);
            ExternalTool.Result result = ExternalTool.run(List.of(PYTHON, script.toString(), broker.bootstrap()), null,
                    dataDir, TIMEOUT);

            assertThat(result.exitCode()).as(result.toString()).isZero();
            List<String> partitions = result.stdout().lines().map(line -> line.split(" ")[0]).distinct().toList();
            assertThat(partitions).as("kafka-python got one of the two partitions").hasSize(1);
            assertThat(result.stdout().lines()).hasSize(10);
        }
    }

    @Test
    void aKcatBalancedConsumerJoinsAGroupOfTheKip848ProtocolAsAClassicMember() throws Exception {
        String kcat = "/usr/bin/kcat";
        ExternalTool.requireThat(Files.isExecutable(Path.of(kcat)), "kcat is not installed");
        broker.createTopic("mixed-kcat-topic", 2);
        broker.produce("mixed-kcat-topic", 0, 0, 10);
        broker.produce("mixed-kcat-topic", 1, 10, 20);
        try (Kip848Member java = new Kip848Member("mixed-kcat-group", "mixed-kcat-topic")) {
            Poll.until(TIMEOUT, () -> java.assignment.size() == 2, "the KIP-848 member to own both partitions");
            ExternalTool.Result result = ExternalTool.run(List.of(kcat, "-b", broker.bootstrap(), "-G",
                    "mixed-kcat-group", "mixed-kcat-topic", "-c", "10", "-q", "-f", "%p %s\\n",
                    "-X", "auto.offset.reset=earliest", "-X", "enable.auto.commit=false"), null, dataDir, TIMEOUT);

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout().lines()).hasSize(10);
            assertThat(result.stdout().lines().map(line -> line.split(" ")[0]).distinct())
                    .as("librdkafka got one of the two partitions").hasSize(1);
        }
    }

    @Test
    void kcatBalancedConsumerReadsTheTopicAndCommits() throws Exception {
        String kcat = "/usr/bin/kcat";
        ExternalTool.requireThat(Files.isExecutable(Path.of(kcat)), "kcat is not installed");
        broker.createTopic("kcat-topic", 3);
        broker.produce("kcat-topic", null, 0, 9);

        ExternalTool.Result result = ExternalTool.run(List.of(kcat, "-b", broker.bootstrap(), "-G", "kcat-group", "kcat-topic",
                "-c", "9", "-q", "-f", "%s\\n", "-X", "auto.offset.reset=earliest",
                "-X", "auto.commit.interval.ms=100"), null, dataDir, TIMEOUT);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout().lines().toList()).hasSize(9).allMatch(line -> line.startsWith("value-"));
        long committedTotal = committed("kcat-group").values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        assertThat(committedTotal).as("kcat commits its position when it stops").isEqualTo(9);
    }

    private static void requireKafkaPython() throws Exception {
        ExternalTool.requireThat(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
        ExternalTool.Result probe = ExternalTool.run(List.of(PYTHON, "-c", "import kafka"), null, dataDir, TIMEOUT);
        ExternalTool.requireThat(probe.exitCode() == 0, "kafka-python is not installed for " + PYTHON);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        }
    }
}
