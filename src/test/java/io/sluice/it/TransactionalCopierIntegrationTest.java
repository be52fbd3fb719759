package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own TransactionalMessageCopier (kafka-tools) copies a partition transactionally, with random aborts, while
 * a broker is killed with kill -9 and restarted: on one node, and on three nodes killing the transaction
 * coordinator's node. A copier that dies of the outage is started again with the same transactional id, as Kafka's
 * system test does; a read_committed reader of the output then sees every input record exactly once.
 */
@Timeout(300)
class TransactionalCopierIntegrationTest {
    private static final String INPUT = "copier-in";
    private static final String OUTPUT = "copier-out";
    private static final String TRANSACTIONAL_ID = "copier-1";
    private static final int RECORDS = 3000;
    private static final Pattern CONSUMED = Pattern.compile("\"consumed\":(\\d+)");

    @TempDir
    Path dir;

    @Test
    void copiesEveryRecordExactlyOnceAcrossABrokerCrash() throws Exception {
        try (SluiceProcess broker = SluiceProcess.start(dir.resolve("broker"))) {
            createTopics(broker.bootstrap(), (short) 1);
            produceInput(broker.bootstrap());
            Copier copier = Copier.start(dir, broker.bootstrap());
            copier.awaitConsumed(RECORDS / 4);

            broker.kill9();
            broker.restart();

            copier.runToCompletion(broker::bootstrap);
            assertExactlyOnce(broker.bootstrap(), "single node", copier);
        }
    }

    @Test
    void copiesEveryRecordExactlyOnceWhenTheCoordinatorsNodeIsKilled() throws Exception {
        List<SluiceProcess> nodes = SluiceProcess.startCluster(dir.resolve("cluster"), 3, Map.of());
        try {
            String bootstrap = nodes.get(0).bootstrap() + "," + nodes.get(1).bootstrap() + "," + nodes.get(2).bootstrap();
            createTopics(bootstrap, (short) 3);
            produceInput(bootstrap);
            Copier copier = Copier.start(dir, bootstrap);
            copier.awaitConsumed(RECORDS / 4);

            int coordinator;
            try (Admin admin = Clients.admin(bootstrap)) {
                coordinator = admin.describeTransactions(List.of(TRANSACTIONAL_ID)).description(TRANSACTIONAL_ID)
                        .get(30, TimeUnit.SECONDS).coordinatorId();
            }
            SluiceProcess victim = nodes.stream().filter(n -> n.nodeId() == coordinator).findFirst().orElseThrow();
            victim.kill9();
            copier.awaitConsumed(RECORDS / 2);
            victim.restart();

            copier.runToCompletion(() -> bootstrap);
            assertExactlyOnce(bootstrap, "three nodes, coordinator " + coordinator + " killed", copier);
        } finally {
            nodes.forEach(SluiceProcess::close);
        }
    }

    private static void createTopics(String bootstrap, short replicationFactor) throws Exception {
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(INPUT, 1, replicationFactor),
                    new NewTopic(OUTPUT, 1, replicationFactor))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void produceInput(String bootstrap) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap,
                Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(new ProducerRecord<>(INPUT, 0, "k" + i, Integer.toString(i))));
            }
            for (java.util.concurrent.Future<?> ack : sent) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The output read_committed to its last stable offset: each input value exactly once. */
    private static void assertExactlyOnce(String bootstrap, String setting, Copier copier) {
        TopicPartition out = new TopicPartition(OUTPUT, 0);
        List<String> values = Clients.readCommittedToEnd(bootstrap, List.of(out));
        Set<String> distinct = new HashSet<>(values);
        assertThat(values).as("duplicates in the committed output").hasSameSizeAs(distinct);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add(Integer.toString(i));
        }
        Set<String> lost = new HashSet<>(expected);
        lost.removeAll(distinct);
        int aborted = Clients.readToEnd(bootstrap, List.of(out), IsolationLevel.READ_UNCOMMITTED).size() - values.size();
        System.out.printf("EOS copier (%s): records in %d, committed out %d, duplicates %d, lost %d, "
                        + "aborted copies %d, copier runs %d%n", setting, RECORDS, values.size(),
                values.size() - distinct.size(), lost.size(), aborted, copier.launches);
        assertThat(values).as("duplicates in the committed output").hasSameSizeAs(distinct);
        assertThat(distinct).as("records lost or invented").isEqualTo(expected);
    }

    /** One run of TransactionalMessageCopier in its own JVM, started again with the same id if it dies. */
    private static final class Copier {
        private final Path dir;
        private Process process;
        private Path stdout;
        private int launches;

        private Copier(Path dir) {
            this.dir = dir;
        }

        static Copier start(Path dir, String bootstrap) throws IOException {
            Copier copier = new Copier(dir);
            copier.launch(bootstrap);
            return copier;
        }

        private void launch(String bootstrap) throws IOException {
            launches++;
            stdout = dir.resolve("copier-" + launches + ".out");
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", classPath(), "org.apache.kafka.tools.TransactionalMessageCopier",
                    "--broker-list", bootstrap, "--input-topic", INPUT, "--input-partition", "0",
                    "--output-topic", OUTPUT, "--transactional-id", TRANSACTIONAL_ID,
                    "--consumer-group", "copier-group", "--transaction-size", "50", "--max-messages", "-1",
                    "--enable-random-aborts", "--use-group-metadata");
            process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                    .redirectError(dir.resolve("copier-" + launches + ".err").toFile()).start();
        }

        private static String classPath() {
            String surefire = System.getProperty("surefire.test.class.path");
            return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        }

        /** The largest "consumed" count the current run has reported. */
        private long consumed() {
            try {
                long max = 0;
                Matcher matcher = CONSUMED.matcher(Files.readString(stdout));
                while (matcher.find()) {
                    max = Math.max(max, Long.parseLong(matcher.group(1)));
                }
                return max;
            } catch (IOException e) {
                return 0;
            }
        }

        void awaitConsumed(long count) {
            Poll.until(Duration.ofSeconds(90), () -> consumed() >= count || !process.isAlive(),
                    "the copier to consume " + count + " records");
        }

        /** Waits for the copier to finish; one that died of the outage is started again, up to five times. */
        void runToCompletion(java.util.function.Supplier<String> bootstrap) throws Exception {
            while (true) {
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("the copier did not finish; its output is in " + stdout);
                }
                if (process.exitValue() == 0) {
                    assertThat(Files.readString(stdout)).contains("ShutdownComplete");
                    return;
                }
                if (launches >= 5) {
                    throw new AssertionError("the copier failed " + launches + " times; see " + stdout);
                }
                launch(bootstrap.get());
            }
        }
    }
}
