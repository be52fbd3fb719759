package io.sluice.cli;

import io.sluice.config.BrokerConfig;
import io.sluice.server.SluiceServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Starts a throwaway broker on a free loopback port, round-trips one record through the Kafka
 * client, and stops. It shows in seconds that this machine can run Sluice; bin/sluice also runs it
 * once after a build to record the classes a broker loads (a class-data-sharing archive), which
 * makes later start-ups faster.
 */
@Command(name = "self-test", description = "Start a temporary broker, produce and consume one record, stop.")
final class SelfTestCommand implements Callable<Integer> {
    private static final String TOPIC = "self-test";

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dataDir = Files.createTempDirectory("sluice-self-test");
        try (SluiceServer server = SluiceServer.start(BrokerConfig.of(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dataDir.toString(),
                "group.initial.rebalance.delay.ms", "0")))) {
            String bootstrap = "127.0.0.1:" + server.boundPort();
            String value = roundTrip(bootstrap);
            out.println("self-test passed: produced and consumed '" + value + "' on " + bootstrap);
            return 0;
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static String roundTrip(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(ClientSettings.admin(bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        byte[] sent = ("hello from " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ClientSettings.producer(bootstrap, Map.of()))) {
            producer.send(new ProducerRecord<>(TOPIC, sent)).get();
        }
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ClientSettings.consumer(bootstrap, Map.of()))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    return new String(record.value(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new CommandFailedException("self-test failed: the record produced was not consumed within 15 s", 1);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
