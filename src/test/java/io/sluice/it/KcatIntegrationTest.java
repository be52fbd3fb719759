package io.sluice.it;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** kcat (librdkafka) as an unmodified non-Java client. */
class KcatIntegrationTest {
    private static final int LINES = 20;
    /** Each kcat run takes well under a second against a healthy broker. */
    private static final Duration KCAT_TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    static Path dataDir;
    static SluiceTestBroker broker;
    static String kcat;

    @BeforeAll
    static void startBroker() {
        kcat = ExternalTool.require("kcat");
        broker = SluiceTestBroker.start(dataDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void metadataListsTheBrokerAndACreatedTopic() {
        Clients.createTopic(broker.bootstrap(), "kcat-meta", 2);

        ExternalTool.Result result = ExternalTool.run(List.of(kcat, "-b", broker.bootstrap(), "-L"), null, dataDir, KCAT_TIMEOUT);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .contains("broker 1 at 127.0.0.1:" + broker.port())
                .contains("topic \"kcat-meta\" with 2 partitions")
                .contains("partition 0, leader 1, replicas: 1, isrs: 1")
                .contains("partition 1, leader 1, replicas: 1, isrs: 1");
    }

    @ParameterizedTest(name = "compression={0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void producedKeyedLinesAreConsumedInOrder(String compression) {
        String topic = "kcat-" + compression;
        Clients.createTopic(broker.bootstrap(), topic, 1);
        String input = IntStream.rangeClosed(1, LINES).mapToObj(i -> "k" + i + ":v" + i + "\n").collect(Collectors.joining());

        ExternalTool.Result produced = ExternalTool.run(List.of(kcat, "-b", broker.bootstrap(), "-t", topic, "-P", "-K:",
                "-z", compression, "-X", "acks=all"), input, dataDir, KCAT_TIMEOUT);
        assertThat(produced.exitCode()).as(produced.toString()).isZero();

        // The Java client first, so a failure below is known to be on the kcat consumer side.
        List<ConsumerRecord<String, String>> readByJava = Clients.readFromBeginning(
                broker.bootstrap(), List.of(new TopicPartition(topic, 0)), LINES, Duration.ofSeconds(15));
        assertThat(readByJava).extracting(r -> r.key() + "=" + r.value())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, LINES).mapToObj(i -> "k" + i + "=v" + i).toList());

        ExternalTool.Result consumed = ExternalTool.run(List.of(kcat, "-b", broker.bootstrap(), "-t", topic, "-C", "-o", "beginning",
                "-e", "-q", "-f", "%k=%s@%o\n"), null, dataDir, KCAT_TIMEOUT);
        assertThat(consumed.exitCode()).as(consumed.toString()).isZero();
        assertThat(consumed.stdoutLines()).containsExactlyElementsOf(
                IntStream.rangeClosed(1, LINES).mapToObj(i -> "k" + i + "=v" + i + "@" + (i - 1)).toList());
    }
}
