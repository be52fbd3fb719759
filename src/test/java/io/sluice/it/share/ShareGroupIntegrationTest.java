package io.sluice.it.share;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.config.BrokerConfig;
import io.sluice.it.Poll;
import io.sluice.server.SluiceServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafka-clients 4.x KafkaShareConsumer (KIP-932) against a real broker: consumers of one share group together
 * receive every record once under ACCEPT, a released record comes back with a higher delivery count, and records
 * a consumer held when it died are delivered to another after the lock duration.
 */
class ShareGroupIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path dataDir;
    private static SluiceServer server;
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        server = SluiceServer.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dataDir.toString(), "group.coordinator.rebalance.protocols", "classic,consumer,share",
                "group.share.record.lock.duration.ms", "3000", "group.share.heartbeat.interval.ms", "500",
                "offsets.topic.num.partitions", "3")));
        bootstrap = "127.0.0.1:" + server.boundPort();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void produce(String topic, int count) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    /**
     * The group reads partitions from their start (share.auto.offset.reset=earliest, as kafka-configs sets it), so
     * records produced before its first fetch of a partition are delivered: the tests need not race the consumers.
     */
    private static void fromTheStart(String group) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.GROUP, group);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            Poll.until(TIMEOUT, () -> {
                try {
                    return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                            .get("share.auto.offset.reset").value().equals("earliest");
                } catch (Exception e) {
                    return false;
                }
            }, "the group config to be in place");
        }
    }

    private static KafkaShareConsumer<String, String> shareConsumer(String group, Map<String, Object> extra) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", group);
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        props.putAll(extra);
        return new KafkaShareConsumer<>(props);
    }

    @Test
    void twoShareConsumersTogetherReceiveEveryRecordOnce() throws Exception {
        createTopic("share-one", 1);
        fromTheStart("share-g1");
        produce("share-one", 200);
        List<String> received = new CopyOnWriteArrayList<>();
        try (KafkaShareConsumer<String, String> first = shareConsumer("share-g1", Map.of());
             KafkaShareConsumer<String, String> second = shareConsumer("share-g1", Map.of())) {
            first.subscribe(List.of("share-one"));
            second.subscribe(List.of("share-one"));
            Poll.until(TIMEOUT, () -> {
                first.poll(Duration.ofMillis(100)).forEach(r -> received.add(r.value()));
                second.poll(Duration.ofMillis(100)).forEach(r -> received.add(r.value()));
                return received.size() >= 200;
            }, "the share consumers to receive 200 records");
            first.commitSync();
            second.commitSync();
        }
        assertThat(received).hasSize(200).doesNotHaveDuplicates();
    }

    @Test
    void aReleasedRecordComesBackWithAHigherDeliveryCount() throws Exception {
        createTopic("share-release", 1);
        fromTheStart("share-g2");
        produce("share-release", 1);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer("share-g2",
                Map.of("share.acknowledgement.mode", "explicit"))) {
            consumer.subscribe(List.of("share-release"));
            List<ConsumerRecord<String, String>> first = new ArrayList<>();
            Poll.until(TIMEOUT, () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(first::add);
                return !first.isEmpty();
            }, "the record to arrive");
            assertThat(first.get(0).deliveryCount()).hasValue((short) 1);
            consumer.acknowledge(first.get(0), AcknowledgeType.RELEASE);
            consumer.commitSync();
            List<ConsumerRecord<String, String>> again = new ArrayList<>();
            Poll.until(TIMEOUT, () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(again::add);
                return !again.isEmpty();
            }, "the released record to come back");
            assertThat(again.get(0).offset()).isEqualTo(first.get(0).offset());
            assertThat(again.get(0).deliveryCount()).hasValue((short) 2);
            consumer.acknowledge(again.get(0), AcknowledgeType.ACCEPT);
            consumer.commitSync();
        }
    }

    @Test
    void fiveShareConsumersOnSixPartitionsReceiveEveryRecordOnce() throws Exception {
        createTopic("share-six", 6);
        fromTheStart("share-g3");
        produce("share-six", 600);
        List<KafkaShareConsumer<String, String>> consumers = new ArrayList<>();
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        try {
            for (int i = 0; i < 5; i++) {
                KafkaShareConsumer<String, String> consumer = shareConsumer("share-g3", Map.of());
                consumer.subscribe(List.of("share-six"));
                consumers.add(consumer);
            }
            Poll.until(TIMEOUT, () -> {
                consumers.forEach(c -> c.poll(Duration.ofMillis(50)).forEach(r -> seen.merge(r.value(), 1,
                        Integer::sum)));
                return seen.size() >= 600;
            }, "the five share consumers to receive 600 records");
            consumers.forEach(KafkaShareConsumer::commitSync);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                // Members take a new assignment at their next heartbeat, so it is checked once they all have: every
                // partition has a member fetching from it.
                Poll.until(TIMEOUT, () -> {
                    consumers.forEach(c -> c.poll(Duration.ofMillis(20)));
                    try {
                        ShareGroupDescription described = admin.describeShareGroups(List.of("share-g3"))
                                .describedGroups().get("share-g3").get(30, TimeUnit.SECONDS);
                        Set<Integer> covered = new HashSet<>();
                        described.members().forEach(m -> m.assignment().topicPartitions()
                                .forEach(tp -> covered.add(tp.partition())));
                        return described.members().size() == 5 && covered.equals(Set.of(0, 1, 2, 3, 4, 5));
                    } catch (Exception e) {
                        return false;
                    }
                }, "the five members to cover the six partitions");
                assertThat(admin.listGroups(ListGroupsOptions.forShareGroups()).all().get(30, TimeUnit.SECONDS))
                        .anySatisfy(listing -> assertThat(listing.groupId()).isEqualTo("share-g3"));
            }
        } finally {
            consumers.forEach(KafkaShareConsumer::close);
        }
        assertThat(seen).hasSize(600);
        assertThat(seen.values()).containsOnly(1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Poll.until(TIMEOUT, () -> {
                try {
                    return admin.describeShareGroups(List.of("share-g3")).describedGroups().get("share-g3")
                            .get(30, TimeUnit.SECONDS).members().isEmpty();
                } catch (Exception e) {
                    return false;
                }
            }, "the closed consumers to have left");
            admin.deleteShareGroups(List.of("share-g3")).all().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void recordsAConsumerHeldWhenItStoppedAreDeliveredToAnotherAfterTheLockDuration() throws Exception {
        createTopic("share-lock", 1);
        fromTheStart("share-g4");
        produce("share-lock", 5);
        try (KafkaShareConsumer<String, String> stalled = shareConsumer("share-g4",
                Map.of("share.acknowledgement.mode", "explicit"));
             KafkaShareConsumer<String, String> healthy = shareConsumer("share-g4", Map.of())) {
            stalled.subscribe(List.of("share-lock"));
            List<String> held = new ArrayList<>();
            Poll.until(TIMEOUT, () -> {
                stalled.poll(Duration.ofMillis(100)).forEach(r -> held.add(r.value()));
                return held.size() >= 5;
            }, "the first consumer to hold the 5 records");
            // It stops polling (as if stuck) without acknowledging: its locks (3 s here) run out.
            healthy.subscribe(List.of("share-lock"));
            List<ConsumerRecord<String, String>> redelivered = Collections.synchronizedList(new ArrayList<>());
            Poll.until(TIMEOUT, () -> {
                healthy.poll(Duration.ofMillis(100)).forEach(redelivered::add);
                return redelivered.size() >= 5;
            }, "the other consumer to get the records after the lock duration");
            assertThat(redelivered).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(held);
            assertThat(redelivered).allSatisfy(r -> assertThat(r.deliveryCount()).hasValue((short) 2));
        }
    }

    @Test
    void aRejectedRecordIsNeverDeliveredAgainAndTheDeliveryLimitArchivesARecord() throws Exception {
        createTopic("share-reject", 1);
        fromTheStart("share-g5");
        produce("share-reject", 2);
        try (KafkaShareConsumer<String, String> consumer = shareConsumer("share-g5",
                Map.of("share.acknowledgement.mode", "explicit"))) {
            consumer.subscribe(List.of("share-reject"));
            Map<Long, Integer> deliveries = new ConcurrentHashMap<>();
            // Record 0 is rejected at once; record 1 is released every time, until its fifth delivery archives it.
            Poll.until(TIMEOUT, () -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    deliveries.merge(record.offset(), 1, Integer::sum);
                    consumer.acknowledge(record, record.offset() == 0 ? AcknowledgeType.REJECT
                            : AcknowledgeType.RELEASE);
                }
                consumer.commitSync();
                return deliveries.getOrDefault(1L, 0) >= 5;
            }, "record 1 to be delivered five times");
            for (int i = 0; i < 5; i++) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> deliveries.merge(r.offset(), 1, Integer::sum));
            }
            assertThat(deliveries).containsEntry(0L, 1).containsEntry(1L, 5);
        }
    }
}
