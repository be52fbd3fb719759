package io.sluice.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RestartIntegrationTest {
    private static final int PARTITIONS = 3;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void everyAcknowledgedRecordSurvivesKillMinusNine(@TempDir Path workDir) throws Exception {
        String topic = "crash";
        int records = 5000;
        try (SluiceProcess broker = SluiceProcess.start(workDir)) {
            Clients.createTopic(broker.bootstrap(), topic, PARTITIONS);
            Map<TopicPartition, NavigableMap<Long, String>> acknowledged = produceAcknowledged(broker.bootstrap(), topic, records);
            assertThat(acknowledged.values().stream().mapToInt(Map::size).sum()).isEqualTo(records);

            broker.kill9();
            broker.restart();

            List<ConsumerRecord<String, String>> read = Clients.readFromBeginning(
                    broker.bootstrap(), Clients.partitions(topic, PARTITIONS), records, READ_TIMEOUT);
            for (TopicPartition tp : Clients.partitions(topic, PARTITIONS)) {
                List<Long> readOrder = read.stream().filter(r -> r.partition() == tp.partition()).map(ConsumerRecord::offset).toList();
                assertThat(readOrder).as("offsets of %s read in order", tp).isSorted().doesNotHaveDuplicates();
                assertThat(stored(read, tp)).as("records of %s after kill -9 (log %s)", tp, broker.stdoutFile())
                        .containsExactlyEntriesOf(acknowledged.get(tp));
            }

            try (KafkaProducer<String, String> producer = Clients.producer(broker.bootstrap())) {
                long next = acknowledged.get(new TopicPartition(topic, 0)).lastKey() + 1;
                assertThat(producer.send(new ProducerRecord<>(topic, 0, "after", "restart")).get(20, TimeUnit.SECONDS).offset())
                        .as("appends continue after the recovered end of the log").isEqualTo(next);
            }
        }
    }

    @Test
    void cleanRestartKeepsTopicsAndRecords(@TempDir Path dataDir) throws Exception {
        String topic = "clean";
        int records = 300;
        try (SluiceTestBroker broker = SluiceTestBroker.start(dataDir)) {
            Clients.createTopic(broker.bootstrap(), topic, PARTITIONS, Map.of("retention.ms", "86400000"));
            Map<TopicPartition, NavigableMap<Long, String>> acknowledged = produceAcknowledged(broker.bootstrap(), topic, records);

            broker.restart();

            try (Admin admin = Clients.admin(broker.bootstrap())) {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(20, TimeUnit.SECONDS).get(topic);
                assertThat(description.partitions()).hasSize(PARTITIONS);
            }
            List<ConsumerRecord<String, String>> read = Clients.readFromBeginning(
                    broker.bootstrap(), Clients.partitions(topic, PARTITIONS), records, READ_TIMEOUT);
            for (TopicPartition tp : Clients.partitions(topic, PARTITIONS)) {
                assertThat(stored(read, tp)).as("records of %s after a clean restart", tp).containsExactlyEntriesOf(acknowledged.get(tp));
            }
            assertThat(Clients.endOffsets(broker.bootstrap(), Clients.partitions(topic, PARTITIONS)))
                    .containsEntry(new TopicPartition(topic, 0), (long) acknowledged.get(new TopicPartition(topic, 0)).size());
        }
    }

    /** Offset to value of the records read from one partition. */
    private static NavigableMap<Long, String> stored(List<ConsumerRecord<String, String>> read, TopicPartition tp) {
        NavigableMap<Long, String> stored = new TreeMap<>();
        read.stream().filter(r -> r.partition() == tp.partition()).forEach(r -> stored.put(r.offset(), r.value()));
        return stored;
    }

    /** Produces with acks=all and returns, per partition, every acknowledged offset with its value. */
    private static Map<TopicPartition, NavigableMap<Long, String>> produceAcknowledged(String bootstrap, String topic, int count) {
        ConcurrentMap<TopicPartition, NavigableMap<Long, String>> acknowledged = new ConcurrentHashMap<>();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap, Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < count; i++) {
                String value = "value-" + i;
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "key-" + i, value), (metadata, error) -> {
                    if (error != null) {
                        failures.add(error);
                    } else {
                        acknowledged.computeIfAbsent(new TopicPartition(metadata.topic(), metadata.partition()),
                                tp -> new ConcurrentSkipListMap<>()).put(metadata.offset(), value);
                    }
                });
            }
            producer.flush();
        }
        assertThat(failures).as("send failures").isEmpty();
        return acknowledged;
    }
}
