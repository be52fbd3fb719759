package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker killed with kill -9 while it holds committed, aborted and open transactions comes back with the same
 * transaction state: the last stable offset, the open transaction (DescribeProducers, DescribeTransactions), the
 * aborted records hidden from read_committed readers; and the open transaction can still be committed by its
 * producer, after which the last stable offset moves to the end.
 */
@Timeout(120)
class TransactionsRecoveryIntegrationTest {
    private static final String TOPIC = "ledger";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dir;

    @Test
    void transactionStateSurvivesKillNine() throws Exception {
        try (SluiceProcess broker = SluiceProcess.start(dir)) {
            Clients.createTopic(broker.bootstrap(), TOPIC, 1);
            try (KafkaProducer<String, String> done = transactional(broker, "recovery-done")) {
                done.beginTransaction();
                done.send(new ProducerRecord<>(TOPIC, 0, "k", "committed"));
                done.commitTransaction();
                done.beginTransaction();
                done.send(new ProducerRecord<>(TOPIC, 0, "k", "aborted"));
                done.flush();
                done.abortTransaction();
            }
            KafkaProducer<String, String> open = transactional(broker, "recovery-open");
            open.beginTransaction();
            open.send(new ProducerRecord<>(TOPIC, 0, "k", "open")).get(20, TimeUnit.SECONDS);

            long lso = lastStableOffset(broker);
            long openStart = openTransactionStart(broker);
            assertThat(lso).isEqualTo(openStart).isEqualTo(4);

            broker.kill9();
            broker.restart();

            assertThat(lastStableOffset(broker)).isEqualTo(lso);
            assertThat(openTransactionStart(broker)).isEqualTo(openStart);
            try (Admin admin = Clients.admin(broker.bootstrap())) {
                Poll.until(Duration.ofSeconds(30), () -> {
                    try {
                        return admin.describeTransactions(List.of("recovery-open")).description("recovery-open")
                                .get(10, TimeUnit.SECONDS).state() == TransactionState.ONGOING;
                    } catch (Exception e) {
                        return false;
                    }
                }, "the coordinator to load the open transaction");
            }
            assertThat(readCommitted(broker)).containsExactly("committed");

            // The producer's client outlived the broker: it commits the open transaction.
            open.commitTransaction();
            open.close();
            Poll.until(Duration.ofSeconds(30), () -> lastStableOffset(broker) == 6, "the LSO to reach the end");
            assertThat(readCommitted(broker)).containsExactly("committed", "open");
        }
    }

    private static KafkaProducer<String, String> transactional(SluiceProcess broker, String id) {
        KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, id, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000));
        producer.initTransactions();
        return producer;
    }

    private static long lastStableOffset(SluiceProcess broker) {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            return admin.listOffsets(Map.of(TP, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(TP).get(20, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long openTransactionStart(SluiceProcess broker) throws Exception {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            List<ProducerState> producers = admin.describeProducers(List.of(TP)).partitionResult(TP)
                    .get(20, TimeUnit.SECONDS).activeProducers();
            return producers.stream().filter(p -> p.currentTransactionStartOffset().isPresent())
                    .mapToLong(p -> p.currentTransactionStartOffset().getAsLong()).min().orElse(-1);
        }
    }

    private static List<String> readCommitted(SluiceProcess broker) {
        return Clients.readCommittedToEnd(broker.bootstrap(), List.of(TP));
    }
}
