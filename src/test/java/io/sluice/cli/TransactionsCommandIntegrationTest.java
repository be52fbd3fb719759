package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.BrokerConfig;
import io.sluice.it.RawKafkaConnection;
import io.sluice.server.SluiceServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice transactions} against an in-process broker: an open transaction of a real transactional producer,
 * and a hanging one (transactional records its coordinator never heard of, written by a raw producer) that
 * --find-hanging reports and --abort ends.
 */
class TransactionsCommandIntegrationTest {
    private static final String TOPIC = "invoices";

    @TempDir
    static Path dataDir;

    private static SluiceServer server;
    private static String bootstrap;
    private static KafkaProducer<String, String> open;

    @BeforeAll
    static void startBroker() throws Exception {
        server = SluiceServer.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dataDir.toString(), "transaction.state.log.num.partitions", "3")));
        bootstrap = "127.0.0.1:" + server.boundPort();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(2), Optional.empty()))).all().get();
        }
        open = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "transactional.id", "billing",
                "key.serializer", StringSerializer.class.getName(), "value.serializer", StringSerializer.class.getName()));
        open.initTransactions();
        open.beginTransaction();
        open.send(new ProducerRecord<>(TOPIC, 0, "k", "v")).get();
    }

    @AfterAll
    static void stopBroker() {
        if (open != null) {
            open.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static CliRun transactions(String... args) {
        List<String> full = new ArrayList<>(List.of("transactions", "--bootstrap-server", bootstrap));
        full.addAll(List.of(args));
        return CliRun.run(full.toArray(String[]::new));
    }

    @Test
    void listAndDescribeShowTheOpenTransaction() {
        CliRun list = transactions("--list");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines()).anyMatch(line -> line.startsWith("billing ") && line.endsWith("Ongoing"));

        CliRun describe = transactions("--describe", "--transactional-id", "billing");
        assertThat(describe.exitCode()).as(describe.err()).isZero();
        assertThat(describe.out()).contains("CoordinatorId").contains("Ongoing").contains(TOPIC + "-0");

        CliRun unknown = transactions("--describe", "--transactional-id", "nobody");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("'nobody' is not known");
    }

    @Test
    void aHangingTransactionIsFoundAndAborted() {
        long producerId;
        try (RawKafkaConnection raw = RawKafkaConnection.open(server.boundPort())) {
            InitProducerIdResponseData init = raw.send(new InitProducerIdRequestData().setTransactionalId(null)
                    .setTransactionTimeoutMs(60_000), raw.version(ApiKeys.INIT_PRODUCER_ID, (short) 4));
            producerId = init.producerId();
            MemoryRecords hanging = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId,
                    init.producerEpoch(), 0, new SimpleRecord("stuck".getBytes(StandardCharsets.UTF_8)));
            assertThat(raw.produce(TOPIC, 1, hanging).errorCode()).isEqualTo(Errors.NONE.code());
        }

        CliRun producers = transactions("--describe-producers", "--topic", TOPIC, "--partition", "1");
        assertThat(producers.exitCode()).as(producers.err()).isZero();
        assertThat(producers.out()).contains(Long.toString(producerId));

        CliRun found = transactions("--find-hanging", "--max-transaction-timeout", "0");
        assertThat(found.exitCode()).as(found.err()).isZero();
        List<String> hanging = found.out().lines().skip(1).toList();
        // The producer with a transactional id is known to its coordinator: only the raw one hangs.
        assertThat(hanging).singleElement().satisfies(line -> assertThat(List.of(line.split("\\s+")))
                .startsWith(TOPIC, "1", Long.toString(producerId)));
        String startOffset = hanging.get(0).split("\\s+")[5];

        CliRun abort = transactions("--abort", "--topic", TOPIC, "--partition", "1", "--start-offset", startOffset);
        assertThat(abort.exitCode()).as(abort.err()).isZero();
        assertThat(abort.out()).contains("Aborted the transaction of producer " + producerId);
        CliRun after = transactions("--find-hanging", "--max-transaction-timeout", "0");
        assertThat(after.out().lines().skip(1)).isEmpty();

        CliRun missing = transactions("--abort", "--topic", TOPIC, "--partition", "1", "--start-offset", startOffset);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no open transaction");
    }

    @Test
    void groupLagOfAReadCommittedGroupStopsAtTheOpenTransaction() throws Exception {
        // "billing" holds a transaction open on invoices-0 at offset 0: nothing there is committed yet.
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.alterConsumerGroupOffsets("rc-group", Map.of(new org.apache.kafka.common.TopicPartition(TOPIC, 0),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(0))).all().get();
        }
        CliRun uncommitted = CliRun.run("groups", "--bootstrap-server", bootstrap, "--describe", "--group", "rc-group");
        CliRun committed = CliRun.run("groups", "--bootstrap-server", bootstrap, "--describe", "--group", "rc-group",
                "--read-committed");
        assertThat(committed.exitCode()).as(committed.err()).isZero();
        assertThat(lagOf(uncommitted.out())).isEqualTo("1");
        assertThat(lagOf(committed.out())).isEqualTo("0");
    }

    /** The LAG column of the invoices-0 row. */
    private static String lagOf(String describeOutput) {
        List<String> lines = describeOutput.lines().toList();
        List<String> header = List.of(lines.stream().filter(l -> l.contains("LAG")).findFirst().orElseThrow()
                .trim().split("\\s+"));
        String row = lines.stream().filter(l -> l.contains(" " + TOPIC + " ") && l.contains(" 0 ")).findFirst()
                .orElseThrow();
        return row.trim().split("\\s+")[header.indexOf("LAG")];
    }

    @Test
    void actionsNeedTheirOptions() {
        CliRun describe = transactions("--describe");
        assertThat(describe.exitCode()).isNotZero();
        assertThat(describe.err()).contains("--describe needs --transactional-id");
        CliRun abort = transactions("--abort", "--topic", TOPIC, "--partition", "0");
        assertThat(abort.err()).contains("--abort needs --start-offset");
    }
}
