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
        ExternalTool.requireThat(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
        ExternalTool.Result probe = ExternalTool.run(List.of(PYTHON, "-c", "import kafka"), null, dataDir, TIMEOUT);
        ExternalTool.requireThat(probe.exitCode() == 0, "kafka-python is not installed for " + PYTHON);
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

    @Test
    void aKafkaPythonConsumerJoinsAGroupOfTheKip848ProtocolAsAClassicMember() throws Exception {
        ExternalTool.requireThat(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
        ExternalTool.Result probe = ExternalTool.run(List.of(PYTHON, "-c", "import kafka"), null, dataDir, TIMEOUT);
        ExternalTool.requireThat(probe.exitCode() == 0, "kafka-python is not installed for " + PYTHON);
        broker.createTopic("mixed-topic", 2);
        broker.produce("mixed-topic", 0, 0, 10);
        broker.produce("mixed-topic", 1, 10, 20);
        AtomicBoolean stop = new AtomicBoolean();
        Set<TopicPartition> javaAssignment = ConcurrentHashMap.newKeySet();
        Thread java = new Thread(() -> {
            try (KafkaConsumer<String, String> consumer = broker.modernConsumer("mixed-group",
                    Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"))) {
                consumer.subscribe(List.of("mixed-topic"));
                while (!stop.get()) {
                    consumer.poll(Duration.ofMillis(100));
                    javaAssignment.clear();
                    javaAssignment.addAll(consumer.assignment());
                }
            }
        }, "kip848-member");
        java.start();
        try {
            Poll.until(TIMEOUT, () -> javaAssignment.size() == 2, "the KIP-848 member to own both partitions");
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
        } finally {
            stop.set(true);
            java.join(TimeUnit.SECONDS.toMillis(30));
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

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        }
    }
}
