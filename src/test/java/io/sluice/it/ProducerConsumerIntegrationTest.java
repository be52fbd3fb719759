package io.sluice.it;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProducerConsumerIntegrationTest {
    private static final int RECORDS = 200;
    private static final int PARTITIONS = 3;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path dataDir;
    static SluiceTestBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = SluiceTestBroker.start(dataDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    static Stream<Arguments> compressionAndAcks() {
        return Stream.of("none", "gzip", "snappy", "lz4", "zstd")
                .flatMap(compression -> Stream.of("0", "1", "all").map(acks -> Arguments.of(compression, acks)));
    }

    @ParameterizedTest(name = "compression={0} acks={1}")
    @MethodSource("compressionAndAcks")
    void everyProducedRecordIsReadBackInOrder(String compression, String acks) throws Exception {
        String topic = "pc-" + compression + "-acks-" + acks;
        Clients.createTopic(broker.bootstrap(), topic, PARTITIONS);
        List<RecordMetadata> acknowledged = new ArrayList<>();
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap(), Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression,
                ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all")))) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                sends.add(producer.send(record(topic, i)));
            }
            producer.flush();
            for (Future<RecordMetadata> send : sends) {
                acknowledged.add(send.get(20, TimeUnit.SECONDS));
            }
        }

        List<ConsumerRecord<String, String>> read = Clients.readFromBeginning(
                broker.bootstrap(), Clients.partitions(topic, PARTITIONS), RECORDS, READ_TIMEOUT);

        for (int partition = 0; partition < PARTITIONS; partition++) {
            int p = partition;
            List<ConsumerRecord<String, String>> inPartition = read.stream().filter(r -> r.partition() == p).toList();
            List<Integer> expectedIndexes = IntStream.range(0, RECORDS).filter(i -> i % PARTITIONS == p).boxed().toList();
            assertThat(inPartition).extracting(ConsumerRecord::offset)
                    .as("offsets of partition %d are contiguous from 0", p)
                    .containsExactlyElementsOf(LongStreams.range(expectedIndexes.size()));
            assertThat(inPartition).extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(expectedIndexes.stream().map(i -> "value-" + i).toList());
            assertThat(inPartition).extracting(ConsumerRecord::key)
                    .containsExactlyElementsOf(expectedIndexes.stream().map(i -> "key-" + i).toList());
            for (int n = 0; n < inPartition.size(); n++) {
                int index = expectedIndexes.get(n);
                assertThat(headerStrings(inPartition.get(n))).as("headers of record %d", index).isEqualTo(expectedHeaders(index));
            }
        }
        if (!acks.equals("0")) {
            for (int i = 0; i < RECORDS; i++) {
                assertThat(acknowledged.get(i).partition()).isEqualTo(i % PARTITIONS);
                assertThat(acknowledged.get(i).offset()).as("acknowledged offset of record %d", i).isEqualTo(i / PARTITIONS);
            }
        }
    }

    /**
     * A client may write acks=0 requests and disconnect at once (KafkaProducer.close() does exactly that): what
     * reached the broker before the disconnect must still be appended.
     */
    @Test
    void acksZeroRequestsPipelinedJustBeforeDisconnectAreAllStored() {
        String topic = "pc-acks0-disconnect";
        int requests = 50;
        Clients.createTopic(broker.bootstrap(), topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            connection.version(ApiKeys.PRODUCE, (short) 12);
            for (int i = 0; i < requests; i++) {
                connection.produceWithoutAcks(topic, 0, MemoryRecords.withRecords(Compression.NONE,
                        new SimpleRecord(("fire-" + i).getBytes(StandardCharsets.UTF_8))));
            }
        }

        List<ConsumerRecord<String, String>> read = Clients.readFromBeginning(broker.bootstrap(), List.of(tp), requests, READ_TIMEOUT);

        assertThat(read).extracting(ConsumerRecord::value)
                .containsExactlyElementsOf(IntStream.range(0, requests).mapToObj(i -> "fire-" + i).toList());
    }

    @Test
    void consumerSeekingToAMiddleOffsetReadsFromThere() throws Exception {
        String topic = "pc-seek";
        Clients.createTopic(broker.bootstrap(), topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i));
            }
            producer.flush();
        }

        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap())) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, 57);
            List<ConsumerRecord<String, String>> read = Clients.pollUntilCount(consumer, 43, READ_TIMEOUT);
            assertThat(read).extracting(ConsumerRecord::offset).containsExactlyElementsOf(LongStreams.rangeClosed(57, 99));
            assertThat(read).extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(IntStream.rangeClosed(57, 99).mapToObj(i -> "v" + i).toList());
        }
    }

    @Test
    void waitingConsumerReceivesARecordProducedLater() throws Exception {
        String topic = "pc-long-poll";
        Clients.createTopic(broker.bootstrap(), topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = Clients.consumer(broker.bootstrap());
             KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            assertThat(consumer.poll(Duration.ofMillis(300))).as("nothing to read yet").isEmpty();

            CompletableFuture<RecordMetadata> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    return producer.send(new ProducerRecord<>(topic, 0, "late", "arrival")).get(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<ConsumerRecord<String, String>> read = Clients.pollUntilCount(consumer, 1, READ_TIMEOUT);

            assertThat(read).extracting(ConsumerRecord::value).containsExactly("arrival");
            assertThat(sent.get(20, TimeUnit.SECONDS).offset()).isZero();
        }
    }

    @Test
    void recordNearTheDefaultSizeLimitRoundTrips() throws Exception {
        String topic = "pc-large";
        Clients.createTopic(broker.bootstrap(), topic, 1);
        String large = "x".repeat(1_000_000);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
            assertThat(producer.send(new ProducerRecord<>(topic, 0, "big", large)).get(20, TimeUnit.SECONDS).offset()).isZero();
            assertThat(producer.send(new ProducerRecord<>(topic, 0, "small", "after")).get(20, TimeUnit.SECONDS).offset()).isEqualTo(1);
        }

        List<ConsumerRecord<String, String>> read = Clients.readFromBeginning(
                broker.bootstrap(), List.of(new TopicPartition(topic, 0)), 2, READ_TIMEOUT);

        assertThat(read.get(0).value()).isEqualTo(large);
        assertThat(read.get(1).value()).isEqualTo("after");
    }

    @Test
    void recordOverTheBrokerLimitIsRejected(@TempDir Path smallLimitDir) throws Exception {
        try (SluiceTestBroker small = SluiceTestBroker.start(smallLimitDir, Map.of("message.max.bytes", "10000"));
             KafkaProducer<String, String> producer = Clients.producer(small.bootstrap(),
                     Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 200_000))) {
            Clients.createTopic(small.bootstrap(), "pc-too-large", 1);

            assertThat(producer.send(new ProducerRecord<>("pc-too-large", 0, "fits", "x".repeat(9_000)))
                    .get(20, TimeUnit.SECONDS).offset()).isZero();
            Future<RecordMetadata> tooLarge = producer.send(new ProducerRecord<>("pc-too-large", 0, "big", "x".repeat(20_000)));

            assertThatThrownBy(() -> tooLarge.get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RecordTooLargeException.class);
        }
    }

    private static ProducerRecord<String, String> record(String topic, int i) {
        List<Header> headers = expectedHeaders(i).stream()
                .map(h -> (Header) new RecordHeader(h.split("=", 2)[0], h.split("=", 2)[1].getBytes(StandardCharsets.UTF_8)))
                .toList();
        return new ProducerRecord<>(topic, i % PARTITIONS, null, "key-" + i, "value-" + i, headers);
    }

    /** Every fourth record carries two headers, the second with an empty value. */
    private static List<String> expectedHeaders(int i) {
        return i % 4 == 0 ? List.of("trace=t-" + i, "flag=") : List.of();
    }

    private static List<String> headerStrings(ConsumerRecord<String, String> record) {
        List<String> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** Boxed long ranges for AssertJ comparisons. */
    private static final class LongStreams {
        static List<Long> range(int count) {
            return java.util.stream.LongStream.range(0, count).boxed().collect(Collectors.toList());
        }

        static List<Long> rangeClosed(long from, long to) {
            return java.util.stream.LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
        }
    }
}
