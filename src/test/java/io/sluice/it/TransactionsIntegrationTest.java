package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java transactional producer and read_committed consumers against a real broker: commit, abort, fencing of a
 * zombie by a new producer with the same transactional id, sendOffsetsToTransaction, the last stable offset held by
 * an open transaction, and the coordinator aborting a transaction its producer left open past its timeout.
 */
@Timeout(120)
class TransactionsIntegrationTest {
    private static final String TOPIC = "payments";
    private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition TP1 = new TopicPartition(TOPIC, 1);

    @TempDir
    Path dataDir;
    SluiceTestBroker broker;

    @BeforeEach
    void startBroker() {
        broker = SluiceTestBroker.start(dataDir, Map.of("transaction.abort.timed.out.transaction.cleanup.interval.ms",
                "200"));
        Clients.createTopic(broker.bootstrap(), TOPIC, 2);
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private KafkaProducer<String, String> transactional(String id) {
        return transactional(id, Map.of());
    }

    private KafkaProducer<String, String> transactional(String id, Map<String, Object> overrides) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id));
        config.putAll(overrides);
        KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), config);
        producer.initTransactions();
        return producer;
    }

    private KafkaConsumer<String, String> readCommitted(Map<String, Object> overrides) {
        Map<String, Object> config = new java.util.HashMap<>(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                IsolationLevel.READ_COMMITTED.toString()));
        config.putAll(overrides);
        return Clients.consumer(broker.bootstrap(), config);
    }

    /** Reads both partitions read_committed until the consumer's position reaches the end the broker reports. */
    private List<String> readAllCommitted() {
        return Clients.readCommittedToEnd(broker.bootstrap(), List.of(TP0, TP1));
    }

    @Test
    void committedTransactionsAreSeenWholeAndAbortedOnesNever() throws Exception {
        try (KafkaProducer<String, String> producer = transactional("tx-commit-abort")) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, "k", "committed-0"));
            producer.send(new ProducerRecord<>(TOPIC, 1, "k", "committed-1"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, "k", "aborted-0"));
            producer.send(new ProducerRecord<>(TOPIC, 1, "k", "aborted-1"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, "k", "committed-2"));
            producer.commitTransaction();
        }

        assertThat(readAllCommitted()).containsExactlyInAnyOrder("committed-0", "committed-1", "committed-2");
        // read_uncommitted sees every record the producer wrote, aborted ones too (markers are not records).
        List<String> uncommitted = new ArrayList<>();
        Clients.readFromBeginning(broker.bootstrap(), List.of(TP0, TP1), 5, Duration.ofSeconds(20))
                .forEach(r -> uncommitted.add(r.value()));
        assertThat(uncommitted).contains("aborted-0", "aborted-1");
    }

    @Test
    void javaProducersUseTransactionsVersion2AndTheEpochIsBumpedAtEveryEnd() throws Exception {
        try (KafkaProducer<String, String> producer = transactional("tx-v2");
             Admin admin = Clients.admin(broker.bootstrap())) {
            int initial = admin.describeTransactions(List.of("tx-v2")).description("tx-v2").get(20, TimeUnit.SECONDS)
                    .producerEpoch();
            for (int i = 0; i < 3; i++) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(TOPIC, i % 2, "k", "v2-" + i));
                if (i == 1) {
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
            // KIP-890: no AddPartitionsToTxn from the producer, and a new epoch after each commit or abort.
            TransactionDescription after = admin.describeTransactions(List.of("tx-v2")).description("tx-v2")
                    .get(20, TimeUnit.SECONDS);
            assertThat(after.producerEpoch()).isEqualTo(initial + 3);
        }
        assertThat(readAllCommitted()).containsExactlyInAnyOrder("v2-0", "v2-2");
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetUntilItCommits() throws Exception {
        try (KafkaProducer<String, String> producer = transactional("tx-lso");
             KafkaConsumer<String, String> consumer = readCommitted(Map.of());
             Admin admin = Clients.admin(broker.bootstrap())) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, "k", "pending")).get(20, TimeUnit.SECONDS);

            long committedEnd = admin.listOffsets(Map.of(TP0, OffsetSpec.latest()),
                    new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(TP0).get(20, TimeUnit.SECONDS).offset();
            long uncommittedEnd = admin.listOffsets(Map.of(TP0, OffsetSpec.latest())).partitionResult(TP0)
                    .get(20, TimeUnit.SECONDS).offset();
            assertThat(committedEnd).isZero();
            assertThat(uncommittedEnd).isEqualTo(1);

            consumer.assign(List.of(TP0));
            consumer.seekToBeginning(List.of(TP0));
            assertThat(consumer.poll(Duration.ofMillis(500))).isEmpty();
            assertThat(consumer.position(TP0)).isZero();

            producer.commitTransaction();
            List<ConsumerRecord<String, String>> seen = Clients.pollUntilCount(consumer, 1, Duration.ofSeconds(20));
            assertThat(seen).extracting(ConsumerRecord::value).containsExactly("pending");
        }
    }

    @Test
    void aNewProducerWithTheSameIdFencesTheOldOneAndAbortsItsTransaction() throws Exception {
        KafkaProducer<String, String> zombie = transactional("tx-fence");
        zombie.beginTransaction();
        zombie.send(new ProducerRecord<>(TOPIC, 0, "k", "zombie")).get(20, TimeUnit.SECONDS);

        try (KafkaProducer<String, String> successor = transactional("tx-fence")) {
            successor.beginTransaction();
            successor.send(new ProducerRecord<>(TOPIC, 1, "k", "successor"));
            successor.commitTransaction();
        }
        assertThatThrownBy(zombie::commitTransaction).isInstanceOf(ProducerFencedException.class);
        zombie.close(Duration.ZERO);

        assertThat(readAllCommitted()).containsExactly("successor");
    }

    @Test
    void offsetsSentToATransactionAreCommittedWithIt() throws Exception {
        String group = "copier";
        try (KafkaProducer<String, String> producer = transactional("tx-offsets");
             KafkaConsumer<String, String> consumer = readCommitted(Map.of(ConsumerConfig.GROUP_ID_CONFIG, group))) {
            consumer.subscribe(List.of(TOPIC));
            Poll.until(Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            }, "the consumer to be assigned partitions");

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 1, "k", "out"));
            producer.sendOffsetsToTransaction(Map.of(TP0, new OffsetAndMetadata(42)), consumer.groupMetadata());
            producer.abortTransaction();
            assertThat(consumer.committed(java.util.Set.of(TP0)).get(TP0)).isNull();

            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(TP0, new OffsetAndMetadata(7)), consumer.groupMetadata());
            producer.commitTransaction();
            Poll.until(Duration.ofSeconds(20), () -> {
                OffsetAndMetadata committed = consumer.committed(java.util.Set.of(TP0)).get(TP0);
                return committed != null && committed.offset() == 7;
            }, "the transaction's offset to be committed");
        }
    }

    @Test
    void aTransactionalBatchForAPartitionNotInItsTransactionIsRefused() throws Exception {
        // KIP-890: the leader asks the coordinator before a transaction's first batch on a partition.
        try (KafkaProducer<String, String> producer = transactional("tx-verified")) {
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, "k", "in-transaction")).get(20, TimeUnit.SECONDS);
            producer.commitTransaction();
        }
        try (RawKafkaConnection raw = RawKafkaConnection.open(broker.port())) {
            org.apache.kafka.common.message.InitProducerIdResponseData init = raw.send(
                    new org.apache.kafka.common.message.InitProducerIdRequestData().setTransactionalId("tx-raw")
                            .setTransactionTimeoutMs(60_000), (short) 4);
            assertThat(init.errorCode()).as("InitProducerId for tx-raw").isZero();
            org.apache.kafka.common.record.MemoryRecords unverified =
                    org.apache.kafka.common.record.MemoryRecords.withTransactionalRecords(
                            org.apache.kafka.common.compress.Compression.NONE, init.producerId(), init.producerEpoch(),
                            0, new org.apache.kafka.common.record.SimpleRecord("sneaked".getBytes()));
            // No AddPartitionsToTxn first: the batch would open a transaction its coordinator never ends.
            assertThat(org.apache.kafka.common.protocol.Errors.forCode(
                    raw.produceTransactional("tx-raw", TOPIC, 1, unverified).errorCode()))
                    .isEqualTo(org.apache.kafka.common.protocol.Errors.INVALID_TXN_STATE);
        }
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            assertThat(admin.describeProducers(List.of(TP1)).partitionResult(TP1).get(20, TimeUnit.SECONDS)
                    .activeProducers()).noneMatch(p -> p.currentTransactionStartOffset().isPresent());
        }
    }

    @Test
    void aTransactionLeftOpenIsAbortedAfterItsTimeoutAndTheAdminApisShowIt() throws Exception {
        KafkaProducer<String, String> abandoned = transactional("tx-timeout",
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 1000));
        abandoned.beginTransaction();
        abandoned.send(new ProducerRecord<>(TOPIC, 0, "k", "abandoned")).get(20, TimeUnit.SECONDS);

        try (Admin admin = Clients.admin(broker.bootstrap())) {
            TransactionDescription open = admin.describeTransactions(List.of("tx-timeout")).description("tx-timeout")
                    .get(20, TimeUnit.SECONDS);
            assertThat(open.state()).isIn(TransactionState.ONGOING, TransactionState.PREPARE_ABORT,
                    TransactionState.COMPLETE_ABORT);
            Poll.until(Duration.ofSeconds(30), () -> {
                try {
                    return admin.describeTransactions(List.of("tx-timeout")).description("tx-timeout")
                            .get(20, TimeUnit.SECONDS).state() == TransactionState.COMPLETE_ABORT;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, "the coordinator to abort the expired transaction");
            List<TransactionListing> listed = new ArrayList<>(admin.listTransactions(new ListTransactionsOptions()
                    .filterStates(List.of(TransactionState.COMPLETE_ABORT))).all().get(20, TimeUnit.SECONDS));
            assertThat(listed).extracting(TransactionListing::transactionalId).contains("tx-timeout");
        }
        // The last stable offset moved past the aborted records: a read_committed read completes with nothing.
        assertThat(readAllCommitted()).isEmpty();
        assertThatThrownBy(abandoned::commitTransaction).isInstanceOf(org.apache.kafka.common.KafkaException.class);
        abandoned.close(Duration.ZERO);
    }
}
