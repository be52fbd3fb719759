package io.sluice.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and invalid requests sent over raw sockets. Each must be refused in the way Kafka refuses it, and none
 * may disturb the broker: after each one a fresh connection still works, and the last test checks with the Java
 * clients that the data stored before is intact.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputIntegrationTest {
    private static final String TOPIC = "bad-input";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int SEEDED = 20;
    private static final int MESSAGE_MAX_BYTES = 10_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dataDir;
    static SluiceTestBroker broker;

    @BeforeAll
    static void startBrokerWithData() throws Exception {
        broker = SluiceTestBroker.start(dataDir, Map.of("message.max.bytes", Integer.toString(MESSAGE_MAX_BYTES)));
        Clients.createTopic(broker.bootstrap(), TOPIC, 1);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < SEEDED; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void brokerStillAnswersANewConnection() {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            assertThat(connection.version(ApiKeys.METADATA, (short) 12)).isPositive();
        }
    }

    @Test
    @Order(1)
    void frameLargerThanSocketRequestMaxBytesClosesTheConnection() {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            ByteBuffer frame = ByteBuffer.allocate(64);
            frame.putInt(Integer.MAX_VALUE - 1);
            connection.writeFrame(frame.array());

            assertThat(connection.closedByBrokerWithin(CLOSE_TIMEOUT)).isTrue();
        }
    }

    @Test
    @Order(2)
    void randomBytesWithANegativeSizeCloseTheConnection() {
        byte[] garbage = new byte[512];
        new Random(42).nextBytes(garbage);
        garbage[0] |= (byte) 0x80;
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            connection.writeFrame(garbage);

            assertThat(connection.closedByBrokerWithin(CLOSE_TIMEOUT)).isTrue();
        }
    }

    @Test
    @Order(3)
    void wellFramedRequestWithAGarbageBodyClosesTheConnection() {
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.PRODUCE.id).setRequestApiVersion((short) 9)
                .setCorrelationId(7).setClientId("garbage");
        byte[] body = new byte[24];
        new Random(7).nextBytes(body);
        body[0] = 0x7f; // transactional id claims 126 bytes, more than the frame holds
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            connection.writeFrame(frame(header, ApiKeys.PRODUCE.requestHeaderVersion((short) 9), body));

            assertThat(connection.closedByBrokerWithin(CLOSE_TIMEOUT)).isTrue();
        }
    }

    @Test
    @Order(4)
    void unknownApiKeyClosesTheConnection() {
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey((short) 999).setRequestApiVersion((short) 0)
                .setCorrelationId(9).setClientId("unknown-api");
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            connection.writeFrame(frame(header, (short) 1, new byte[8]));

            assertThat(connection.closedByBrokerWithin(CLOSE_TIMEOUT)).isTrue();
        }
    }

    @Test
    @Order(5)
    void apiVersionsAtAnUnsupportedVersionGetsAVersionZeroAnswerWithTheSupportedList() {
        short unsupported = 99;
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.API_VERSIONS.id)
                .setRequestApiVersion(unsupported).setCorrelationId(11).setClientId("future-client");
        ApiVersionsRequestData body = new ApiVersionsRequestData().setClientSoftwareName("future").setClientSoftwareVersion("99");
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            connection.writeFrame(RawKafkaConnection.encode(header, (short) 2, body, ApiKeys.API_VERSIONS.latestVersion()));

            ByteBuffer response = connection.readFrame();
            ResponseHeaderData responseHeader = new ResponseHeaderData(new ByteBufferAccessor(response), (short) 0);
            ApiVersionsResponseData versions = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 0);

            assertThat(responseHeader.correlationId()).isEqualTo(11);
            assertThat(versions.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            ApiVersionsResponseData.ApiVersion apiVersions = versions.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertThat(apiVersions).as("ApiVersions in the supported list").isNotNull();
            assertThat(apiVersions.minVersion()).isZero();
            assertThat(apiVersions.maxVersion()).isBetween((short) 3, (short) 98);
            assertThat(versions.apiKeys().find(ApiKeys.PRODUCE.id)).as("Produce in the supported list").isNotNull();
        }
    }

    @Test
    @Order(6)
    void batchWithACorruptCrcIsRefused() {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("corrupt".getBytes(StandardCharsets.UTF_8)));
        ByteBuffer bytes = records.buffer();
        bytes.put(DefaultRecordBatch.CRC_OFFSET, (byte) (bytes.get(DefaultRecordBatch.CRC_OFFSET) ^ 0x5a));
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            PartitionProduceResponse response = connection.produce(TOPIC, 0, MemoryRecords.readableRecords(bytes));

            assertThat(response.errorCode()).isEqualTo(Errors.CORRUPT_MESSAGE.code());
        }
        assertThat(Clients.endOffsets(broker.bootstrap(), List.of(TP))).containsEntry(TP, (long) SEEDED);
    }

    @Test
    @Order(7)
    void createTopicsRefusesAnInvalidNameAndZeroPartitions() {
        CreateTopicsRequestData request = new CreateTopicsRequestData().setTimeoutMs(10_000).setTopics(
                new CreateTopicsRequestData.CreatableTopicCollection(List.of(
                        new CreatableTopic().setName("bad name!").setNumPartitions(1).setReplicationFactor((short) 1),
                        new CreatableTopic().setName("zero-partitions").setNumPartitions(0).setReplicationFactor((short) 1)
                ).iterator()));
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            CreateTopicsResponseData response = connection.send(request, connection.version(ApiKeys.CREATE_TOPICS, (short) 7));

            assertThat(response.topics().find("bad name!").errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
            assertThat(response.topics().find("zero-partitions").errorCode()).isEqualTo(Errors.INVALID_PARTITIONS.code());
        }
    }

    @Test
    @Order(8)
    void recordOverMessageMaxBytesIsRefused() {
        byte[] value = new byte[MESSAGE_MAX_BYTES * 2];
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(value));
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            PartitionProduceResponse response = connection.produce(TOPIC, 0, records);

            assertThat(response.errorCode()).isEqualTo(Errors.MESSAGE_TOO_LARGE.code());
        }
        assertThat(Clients.endOffsets(broker.bootstrap(), List.of(TP))).containsEntry(TP, (long) SEEDED);
    }

    @Test
    @Order(100)
    void javaClientsStillWorkAndEarlierDataIsIntact() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
            assertThat(producer.send(new ProducerRecord<>(TOPIC, 0, "after", "bad-input")).get(20, TimeUnit.SECONDS).offset())
                    .isEqualTo(SEEDED);
        }

        List<ConsumerRecord<String, String>> read = Clients.readFromBeginning(broker.bootstrap(), List.of(TP), SEEDED + 1,
                Duration.ofSeconds(20));

        List<String> expected = IntStream.range(0, SEEDED).mapToObj(i -> i + ":k" + i + "=v" + i).collect(Collectors.toList());
        expected.add(SEEDED + ":after=bad-input");
        assertThat(read).extracting(r -> r.offset() + ":" + r.key() + "=" + r.value()).containsExactlyElementsOf(expected);
        try (Admin admin = Clients.admin(broker.bootstrap())) {
            assertThat(admin.listTopics().names().get(20, TimeUnit.SECONDS)).contains(TOPIC).doesNotContain("zero-partitions", "bad name!");
        }
    }

    /** A size-prefixed frame from a header and arbitrary body bytes. */
    private static byte[] frame(RequestHeaderData header, short headerVersion, byte[] body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int headerSize = header.size(cache, headerVersion);
        ByteBuffer buffer = ByteBuffer.allocate(4 + headerSize + body.length);
        buffer.putInt(headerSize + body.length);
        header.write(new ByteBufferAccessor(buffer), cache, headerVersion);
        buffer.put(body);
        return buffer.array();
    }
}
