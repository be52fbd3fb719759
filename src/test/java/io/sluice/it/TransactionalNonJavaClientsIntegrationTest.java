package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions with clients that are not Java: librdkafka 2.0 through Debian's python3-confluent-kafka (a
 * transactional producer that commits and aborts, and a read_committed consumer), kcat with
 * {@code isolation.level=read_committed}, and Debian's kafka-python 2.0.2, which has no read_committed mode but must
 * read a topic holding transactions and markers without failing.
 */
class TransactionalNonJavaClientsIntegrationTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    /** Commits, aborts and commits again as librdkafka's transactional producer, then reads read_committed. */
    private static final String LIBRDKAFKA_SCRIPT = String.join("\n",
            "import sys, time",
            "from confluent_kafka import Producer, Consumer, TopicPartition",
            "bootstrap, topic = sys.argv[1], sys.argv[2]",
            "producer = Producer({'bootstrap.servers': bootstrap, 'transactional.id': 'librdkafka-tx'})",
            "producer.init_transactions(30)",
            "for value, commit in [(b'committed-1', True), (b'aborted', False), (b'committed-2', True)]:",
            "    producer.begin_transaction()",
            "    producer.produce(topic, value=value, partition=0)",
            "    producer.flush(30)",
            "    if commit:",
            "        producer.commit_transaction(30)",
            "    else:",
            "        producer.abort_transaction(30)",
            "print('produced', flush=True)",
            "consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'librdkafka-rc',",
            "                     'isolation.level': 'read_committed', 'enable.auto.commit': False})",
            "consumer.assign([TopicPartition(topic, 0, 0)])",
            "low, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=30)",
            "got = []",
            "deadline = time.time() + 30",
            "while time.time() < deadline:",
            "    message = consumer.poll(0.5)",
            "    if message is not None and message.error() is None:",
            "        got.append(message.value().decode())",
            "    if consumer.position([TopicPartition(topic, 0)])[0].offset >= high:",
            "        break",
            "consumer.close()",
            "print('end %d' % high, flush=True)",
            "print('got ' + ','.join(got), flush=True)",
            "");

    /** kafka-python 2.0.2 reads everything (it knows only read_uncommitted); it must not fail on the markers. */
    private static final String KAFKA_PYTHON_SCRIPT = String.join("\n",
            "import sys",
            "from kafka import KafkaConsumer",
            "bootstrap, topic = sys.argv[1], sys.argv[2]",
            "consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset='earliest',",
            "                         consumer_timeout_ms=5000)",
            "values = [m.value for m in consumer]",
            "consumer.close()",
            "print('data ' + ','.join(v.decode() for v in values if v.startswith(b'java-')), flush=True)",
            "");

    @TempDir
    static Path dataDir;
    static SluiceTestBroker broker;

    @BeforeAll
    static void startBroker() {
        ExternalTool.require(PYTHON);
        ExternalTool.require("kcat");
        ExternalTool.Result probe = ExternalTool.run(List.of(PYTHON, "-c", "import confluent_kafka, kafka"), null,
                dataDir);
        ExternalTool.requireThat(probe.exitCode() == 0, "confluent-kafka and kafka-python are not importable by "
                + PYTHON + ": " + probe.stderr());
        broker = SluiceTestBroker.start(dataDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void librdkafkaCommitsAndAbortsAndReadsCommittedOnly() throws Exception {
        Clients.createTopic(broker.bootstrap(), "librdkafka-tx", 1);
        Path script = Files.writeString(dataDir.resolve("transactions.py"), LIBRDKAFKA_SCRIPT);

        ExternalTool.Result result = ExternalTool.run(List.of(PYTHON, script.toString(), broker.bootstrap(),
                "librdkafka-tx"), null, dataDir, SCRIPT_TIMEOUT);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        // Three records and three markers.
        assertThat(result.stdoutLines()).as(result.toString())
                .containsExactly("produced", "end 6", "got committed-1,committed-2");
    }

    @Test
    void kcatReadCommittedSkipsAbortedRecordsAndKafkaPythonReadsPastMarkers() throws Exception {
        String topic = "kcat-tx";
        Clients.createTopic(broker.bootstrap(), topic, 1);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "java-for-kcat"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, "java-aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 0, null, "java-committed"));
            producer.commitTransaction();
        }

        ExternalTool.Result committed = ExternalTool.run(List.of(ExternalTool.require("kcat"), "-b",
                broker.bootstrap(), "-C", "-t", topic, "-o", "beginning", "-e", "-q",
                "-X", "isolation.level=read_committed"), null, dataDir, SCRIPT_TIMEOUT);
        assertThat(committed.exitCode()).as(committed.toString()).isZero();
        assertThat(committed.stdoutLines()).as(committed.toString()).containsExactly("java-committed");

        ExternalTool.Result uncommitted = ExternalTool.run(List.of(ExternalTool.require("kcat"), "-b",
                broker.bootstrap(), "-C", "-t", topic, "-o", "beginning", "-e", "-q",
                "-X", "isolation.level=read_uncommitted"), null, dataDir, SCRIPT_TIMEOUT);
        assertThat(uncommitted.stdoutLines()).as(uncommitted.toString())
                .containsExactly("java-aborted", "java-committed");

        Path script = Files.writeString(dataDir.resolve("read_markers.py"), KAFKA_PYTHON_SCRIPT);
        ExternalTool.Result python = ExternalTool.run(List.of(PYTHON, script.toString(), broker.bootstrap(), topic),
                null, dataDir, SCRIPT_TIMEOUT);
        assertThat(python.exitCode()).as(python.toString()).isZero();
        assertThat(python.stdoutLines()).as(python.toString()).containsExactly("data java-aborted,java-committed");
    }
}
