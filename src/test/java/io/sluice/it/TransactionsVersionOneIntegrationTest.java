package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With transaction.version=1 the broker advertises transactions version 1 and a Kafka 4.x producer falls back to it
 * (AddPartitionsToTxn and AddOffsetsToTxn from the producer, the epoch unchanged by EndTxn), as it does against an
 * older Kafka cluster: commits, aborts and offsets sent to a transaction still work.
 */
@Timeout(120)
class TransactionsVersionOneIntegrationTest {
    private static final String TOPIC = "ledger-v1";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dataDir;
    SluiceTestBroker broker;

    @BeforeEach
    void startBroker() {
        broker = SluiceTestBroker.start(dataDir, Map.of("transaction.version", "1"));
        Clients.createTopic(broker.bootstrap(), TOPIC, 1);
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aFourXProducerFallsBackToVersion1() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-v1"));
             KafkaConsumer<String, String> group = Clients.consumer(broker.bootstrap(),
                     Map.of(ConsumerConfig.GROUP_ID_CONFIG, "v1-group"));
             Admin admin = Clients.admin(broker.bootstrap())) {
            producer.initTransactions();
            int initial = admin.describeTransactions(List.of("tx-v1")).description("tx-v1").get(20, TimeUnit.SECONDS)
                    .producerEpoch();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, "k", "committed"));
            producer.sendOffsetsToTransaction(Map.of(TP, new OffsetAndMetadata(3)), group.groupMetadata());
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, "k", "aborted"));
            producer.abortTransaction();

            assertThat(admin.describeTransactions(List.of("tx-v1")).description("tx-v1").get(20, TimeUnit.SECONDS)
                    .producerEpoch()).isEqualTo(initial);
            assertThat(group.committed(Set.of(TP)).get(TP).offset()).isEqualTo(3);
        }
        List<String> values = Clients.readCommittedToEnd(broker.bootstrap(), List.of(TP));
        assertThat(values).containsExactly("committed");
    }
}
