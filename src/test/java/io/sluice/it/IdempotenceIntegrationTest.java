package io.sluice.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotenceIntegrationTest {
    private static final String TOPIC = "idempotence";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dataDir;
    SluiceTestBroker broker;

    @BeforeEach
    void startBroker() {
        broker = SluiceTestBroker.start(dataDir);
        Clients.createTopic(broker.bootstrap(), TOPIC, 1);
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void defaultProducerIsIdempotentAndRegistersAProducerId() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i));
            }
            producer.flush();
        }

        try (Admin admin = Clients.admin(broker.bootstrap())) {
            List<ProducerState> active = admin.describeProducers(List.of(TP)).partitionResult(TP)
                    .get(20, TimeUnit.SECONDS).activeProducers();
            assertThat(active).hasSize(1);
            ProducerState state = active.get(0);
            assertThat(state.producerId()).isNotNegative();
            assertThat(state.producerEpoch()).isNotNegative();
            assertThat(state.lastSequence()).isEqualTo(9);
        }
    }

    @Test
    void retriedBatchIsStoredOnceAndSequenceGapsAreRejected() {
        long baseOffset;
        ProducerIdAndEpoch producer;
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            producer = initProducerId(connection);

            PartitionProduceResponse first = connection.produce(TOPIC, 0, batch(producer, 0, "a", "b", "c"));
            assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
            baseOffset = first.baseOffset();
            assertThat(baseOffset).isZero();

            PartitionProduceResponse retry = connection.produce(TOPIC, 0, batch(producer, 0, "a", "b", "c"));
            assertThat(retry.errorCode()).as("a duplicate is acknowledged, not refused").isEqualTo(Errors.NONE.code());
            assertThat(retry.baseOffset()).isEqualTo(baseOffset);
            assertThat(logEndOffset()).isEqualTo(3);

            PartitionProduceResponse gap = connection.produce(TOPIC, 0, batch(producer, 10, "z"));
            assertThat(gap.errorCode()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());
            assertThat(logEndOffset()).isEqualTo(3);

            PartitionProduceResponse next = connection.produce(TOPIC, 0, batch(producer, 3, "d", "e"));
            assertThat(next.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(next.baseOffset()).isEqualTo(3);
            assertThat(logEndOffset()).isEqualTo(5);
        }
    }

    @Test
    void duplicateIsStillRecognisedAfterARestart() {
        ProducerIdAndEpoch producer;
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            producer = initProducerId(connection);
            assertThat(connection.produce(TOPIC, 0, batch(producer, 0, "a", "b")).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(connection.produce(TOPIC, 0, batch(producer, 2, "c", "d", "e")).baseOffset()).isEqualTo(2);
        }

        broker.restart();

        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            PartitionProduceResponse retry = connection.produce(TOPIC, 0, batch(producer, 2, "c", "d", "e"));
            assertThat(retry.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(retry.baseOffset()).isEqualTo(2);
            assertThat(logEndOffset()).isEqualTo(5);

            PartitionProduceResponse gap = connection.produce(TOPIC, 0, batch(producer, 9, "z"));
            assertThat(gap.errorCode()).isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code());

            PartitionProduceResponse next = connection.produce(TOPIC, 0, batch(producer, 5, "f"));
            assertThat(next.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(next.baseOffset()).isEqualTo(5);
        }
        assertThat(Clients.readFromBeginning(broker.bootstrap(), List.of(TP), 6, java.time.Duration.ofSeconds(15)))
                .extracting(r -> r.offset() + ":" + r.value())
                .containsExactly("0:a", "1:b", "2:c", "3:d", "4:e", "5:f");
    }

    private record ProducerIdAndEpoch(long id, short epoch) {
    }

    private static ProducerIdAndEpoch initProducerId(RawKafkaConnection connection) {
        InitProducerIdResponseData response = connection.send(new InitProducerIdRequestData()
                .setTransactionalId(null)
                .setTransactionTimeoutMs(Integer.MAX_VALUE)
                .setProducerId(-1L)
                .setProducerEpoch((short) -1), connection.version(ApiKeys.INIT_PRODUCER_ID, (short) 4));
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.producerId()).isNotNegative();
        return new ProducerIdAndEpoch(response.producerId(), response.producerEpoch());
    }

    private static MemoryRecords batch(ProducerIdAndEpoch producer, int baseSequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(1_700_000_000_000L + i, null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producer.id(), producer.epoch(), baseSequence, records);
    }

    private long logEndOffset() {
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            return admin.listOffsets(Map.of(TP, OffsetSpec.latest())).partitionResult(TP).get(20, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new AssertionError("could not read the log end offset", e);
        }
    }
}
