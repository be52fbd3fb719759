package io.sluice.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** kafka-python 2.0.2 as shipped by Debian (python3-kafka), importable only by the system interpreter. */
class KafkaPythonIntegrationTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);

    /** Produce three values to partition 0 waiting for each acknowledgement, then read them back without a group. */
    private static final String SCRIPT = String.join("\n",
            "import sys",
            "from kafka import KafkaProducer, KafkaConsumer",
            "",
            "bootstrap, topic = sys.argv[1], sys.argv[2]",
            "values = [b'Hello', b'Sluice', b'World']",
            "",
            "producer = KafkaProducer(bootstrap_servers=bootstrap)",
            "for value in values:",
            "    future = producer.send(topic=topic, value=value, partition=0)",
            "    record_data = future.get(timeout=10)",
            "    print('sent: %s offset: %d' % (value.decode(), record_data.offset), flush=True)",
            "producer.close()",
            "",
            "consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset='earliest',",
            "                         consumer_timeout_ms=10000)",
            "received = 0",
            "for message in consumer:",
            "    print('got: %s offset: %d' % (message.value.decode(), message.offset), flush=True)",
            "    received += 1",
            "    if received == len(values):",
            "        break",
            "consumer.close()",
            "");

    @TempDir
    static Path dataDir;
    static SluiceTestBroker broker;

    @BeforeAll
    static void startBroker() {
        ExternalTool.require(PYTHON);
        ExternalTool.Result probe = ExternalTool.run(List.of(PYTHON, "-c", "import kafka"), null, dataDir);
        ExternalTool.requireThat(probe.exitCode() == 0, "kafka-python is not importable by " + PYTHON + ": " + probe.stderr());
        broker = SluiceTestBroker.start(dataDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void producesAndConsumesWithKafkaPython() throws IOException {
        Clients.createTopic(broker.bootstrap(), "python", 1);
        Path script = Files.writeString(dataDir.resolve("produce_consume.py"), SCRIPT);

        ExternalTool.Result result = ExternalTool.run(List.of(PYTHON, script.toString(), broker.bootstrap(), "python"),
                null, dataDir, SCRIPT_TIMEOUT);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdoutLines()).as(result.toString()).containsExactly(
                "sent: Hello offset: 0",
                "sent: Sluice offset: 1",
                "sent: World offset: 2",
                "got: Hello offset: 0",
                "got: Sluice offset: 1",
                "got: World offset: 2");
    }
}
