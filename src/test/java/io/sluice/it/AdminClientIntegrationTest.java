package io.sluice.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminClientIntegrationTest {
    private static final long TIMEOUT_S = 20;
    /** Kafka's log.retention.hours=168 default, in milliseconds. */
    private static final String DEFAULT_RETENTION_MS = "604800000";

    @TempDir
    static Path dataDir;
    static SluiceTestBroker broker;
    static Admin admin;

    @BeforeAll
    static void startBroker() {
        broker = SluiceTestBroker.start(dataDir);
        admin = Clients.admin(broker.bootstrap());
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void createdTopicIsDescribedWithItsPartitionsLeaderAndReplicas() throws Exception {
        create(new NewTopic("admin-describe", 3, (short) 1).configs(Map.of("retention.ms", "1000000")));

        TopicDescription description = admin.describeTopics(List.of("admin-describe")).allTopicNames()
                .get(TIMEOUT_S, TimeUnit.SECONDS).get("admin-describe");

        assertThat(description.name()).isEqualTo("admin-describe");
        assertThat(description.isInternal()).isFalse();
        assertThat(description.topicId()).isNotNull();
        assertThat(description.partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2);
        for (TopicPartitionInfo partition : description.partitions()) {
            assertThat(partition.leader().id()).as("leader of %s", partition).isEqualTo(1);
            assertThat(partition.replicas()).extracting(Node::id).containsExactly(1);
            assertThat(partition.isr()).extracting(Node::id).containsExactly(1);
        }
    }

    @Test
    void describeConfigsShowsTheOverrideAndTheDefaults() throws Exception {
        create(new NewTopic("admin-configs", 1, (short) 1).configs(Map.of("retention.ms", "1000000")));

        Config config = topicConfig("admin-configs");

        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention.value()).isEqualTo("1000000");
        assertThat(retention.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(retention.isDefault()).isFalse();
        for (String key : List.of("cleanup.policy", "segment.bytes", "max.message.bytes")) {
            ConfigEntry entry = config.get(key);
            assertThat(entry).as(key).isNotNull();
            assertThat(entry.source()).as("source of " + key).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");
    }

    @Test
    void incrementalAlterConfigsSetsAndDeletesTopicOverrides() throws Exception {
        create(new NewTopic("admin-alter", 1, (short) 1).configs(Map.of("retention.ms", "1000000")));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "admin-alter");

        alter(resource, new AlterConfigOp(new ConfigEntry("retention.ms", "2000000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("segment.ms", "3600000"), AlterConfigOp.OpType.SET));
        Config altered = topicConfig("admin-alter");
        assertThat(altered.get("retention.ms").value()).isEqualTo("2000000");
        assertThat(altered.get("segment.ms").value()).isEqualTo("3600000");
        assertThat(altered.get("segment.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        alter(resource, new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE));
        ConfigEntry retention = topicConfig("admin-alter").get("retention.ms");
        assertThat(retention.value()).isEqualTo(DEFAULT_RETENTION_MS);
        assertThat(retention.source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }

    @Test
    void createPartitionsGrowsTheTopic() throws Exception {
        create(new NewTopic("admin-grow", 3, (short) 1));

        admin.createPartitions(Map.of("admin-grow", NewPartitions.increaseTo(5))).all().get(TIMEOUT_S, TimeUnit.SECONDS);

        Poll.until(Duration.ofSeconds(10), () -> describe("admin-grow").partitions().size() == 5, "admin-grow to have 5 partitions");
        assertThat(describe("admin-grow").partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2, 3, 4);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
            assertThat(producer.send(new ProducerRecord<>("admin-grow", 4, "k", "v")).get(TIMEOUT_S, TimeUnit.SECONDS).offset())
                    .isZero();
        }
    }

    @Test
    void listOffsetsByEarliestLatestMaxTimestampAndTimestamp() throws Exception {
        create(new NewTopic("admin-offsets", 1, (short) 1));
        TopicPartition tp = new TopicPartition("admin-offsets", 0);
        long[] timestamps = {1_000, 2_000, 5_000, 3_000, 4_000};
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < timestamps.length; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), 0, timestamps[i], "k" + i, "v" + i));
            }
            producer.flush();
        }

        assertThat(offset(tp, OffsetSpec.earliest()).offset()).isZero();
        assertThat(offset(tp, OffsetSpec.latest()).offset()).isEqualTo(5);
        ListOffsetsResultInfo max = offset(tp, OffsetSpec.maxTimestamp());
        assertThat(max.offset()).isEqualTo(2);
        assertThat(max.timestamp()).isEqualTo(5_000);
        assertThat(offset(tp, OffsetSpec.forTimestamp(1_500)).offset()).isEqualTo(1);
        assertThat(offset(tp, OffsetSpec.forTimestamp(3_500)).offset()).isEqualTo(2);
        assertThat(offset(tp, OffsetSpec.forTimestamp(1_000)).offset()).isZero();
        assertThat(offset(tp, OffsetSpec.forTimestamp(6_000)).offset()).as("no record at or after the timestamp").isEqualTo(-1);
    }

    @Test
    void deleteRecordsMovesTheEarliestOffset() throws Exception {
        create(new NewTopic("admin-delete-records", 1, (short) 1));
        TopicPartition tp = new TopicPartition("admin-delete-records", 0);
        try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), 0, "k" + i, "v" + i));
            }
            producer.flush();
        }

        long lowWatermark = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(4))).lowWatermarks().get(tp)
                .get(TIMEOUT_S, TimeUnit.SECONDS).lowWatermark();

        assertThat(lowWatermark).isEqualTo(4);
        assertThat(offset(tp, OffsetSpec.earliest()).offset()).isEqualTo(4);
        assertThat(offset(tp, OffsetSpec.latest()).offset()).isEqualTo(10);
        assertThat(Clients.readFromBeginning(broker.bootstrap(), List.of(tp), 6, Duration.ofSeconds(15)))
                .extracting(r -> r.offset() + ":" + r.value())
                .containsExactly("4:v4", "5:v5", "6:v6", "7:v7", "8:v8", "9:v9");
    }

    @Test
    void validateOnlyCreateDoesNotCreate() throws Exception {
        admin.createTopics(List.of(new NewTopic("admin-validate-only", 2, (short) 1)), new CreateTopicsOptions().validateOnly(true))
                .all().get(TIMEOUT_S, TimeUnit.SECONDS);

        assertThat(topicNames()).doesNotContain("admin-validate-only");
    }

    @Test
    void invalidTopicNameIsRejected() {
        assertThatThrownBy(() -> create(new NewTopic("bad name!", 1, (short) 1)))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InvalidTopicException.class);
    }

    @Test
    void creatingAnExistingTopicFails() throws Exception {
        create(new NewTopic("admin-twice", 1, (short) 1));

        assertThatThrownBy(() -> create(new NewTopic("admin-twice", 1, (short) 1)))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TopicExistsException.class);
    }

    @Test
    void deletedTopicDisappearsFromTheListing() throws Exception {
        create(new NewTopic("admin-doomed", 2, (short) 1));
        assertThat(topicNames()).contains("admin-doomed");

        admin.deleteTopics(List.of("admin-doomed")).all().get(TIMEOUT_S, TimeUnit.SECONDS);

        Poll.until(Duration.ofSeconds(10), () -> !topicNames().contains("admin-doomed"), "admin-doomed to disappear");
    }

    @Test
    void describeClusterReturnsNodeOneAndAClusterId() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();

        Collection<Node> nodes = cluster.nodes().get(TIMEOUT_S, TimeUnit.SECONDS);
        assertThat(nodes).hasSize(1);
        Node node = nodes.iterator().next();
        assertThat(node.id()).isEqualTo(1);
        assertThat(node.host()).isEqualTo("127.0.0.1");
        assertThat(node.port()).isEqualTo(broker.port());
        assertThat(cluster.clusterId().get(TIMEOUT_S, TimeUnit.SECONDS)).isNotBlank();
        assertThat(cluster.controller().get(TIMEOUT_S, TimeUnit.SECONDS).id()).isEqualTo(1);
    }

    private static void create(NewTopic topic) throws Exception {
        admin.createTopics(List.of(topic)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private static TopicDescription describe(String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).get(topic);
        } catch (Exception e) {
            throw new IllegalStateException("describe " + topic, e);
        }
    }

    private static Config topicConfig(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_S, TimeUnit.SECONDS).get(resource);
    }

    private static void alter(ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private static ListOffsetsResultInfo offset(TopicPartition tp, OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private static java.util.Set<String> topicNames() {
        try {
            return admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("listTopics", e);
        }
    }
}
