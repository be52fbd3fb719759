package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition directory the metadata does not know (here: copied in by hand while the broker was down) is set
 * aside under a "-stray" name with its files intact, and the broker serves its real topics as before.
 */
class StrayLogIntegrationTest {
    @TempDir
    Path dir;
    private SluiceProcess broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void anUnknownPartitionDirectoryIsRenamedNotDeletedAndTheRestIsServed() throws Exception {
        broker = SluiceProcess.start(dir);
        Clients.createTopic(broker.bootstrap(), "kept", 1);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("kept", 0, "k", "v-" + i));
            }
            producer.flush();
        }
        broker.close();
        Path logs = dir.resolve("logs");
        copyTree(logs.resolve("kept-0"), logs.resolve("unknown-0"));
        long copiedBytes = sizeOf(logs.resolve("unknown-0"));

        broker.restart();

        List<Path> strays = children(logs).stream()
                .filter(p -> p.getFileName().toString().startsWith("unknown-0.") && p.getFileName().toString()
                        .endsWith("-stray")).toList();
        assertThat(strays).hasSize(1);
        assertThat(logs.resolve("unknown-0")).doesNotExist();
        assertThat(sizeOf(strays.get(0))).isGreaterThanOrEqualTo(copiedBytes);
        assertThat(Files.readString(broker.stdoutFile()) + Files.readString(broker.stderrFile()))
                .contains("unknown-0").contains("-stray");
        List<ConsumerRecord<String, String>> read = Clients.readFromBeginning(broker.bootstrap(),
                List.of(new TopicPartition("kept", 0)), 20, java.time.Duration.ofSeconds(30));
        assertThat(read).extracting(ConsumerRecord::value).startsWith("v-0").endsWith("v-19");
    }

    private static List<Path> children(Path parent) throws IOException {
        try (Stream<Path> list = Files.list(parent)) {
            return list.toList();
        }
    }

    private static long sizeOf(Path tree) throws IOException {
        try (Stream<Path> walk = Files.walk(tree)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.sorted(Comparator.naturalOrder()).toList()) {
                Files.copy(source, to.resolve(from.relativize(source).toString()));
            }
        }
    }
}
