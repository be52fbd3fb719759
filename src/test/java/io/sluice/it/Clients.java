package io.sluice.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Kafka Java clients configured for tests: short timeouts, string serdes, no consumer group. */
public final class Clients {
    private Clients() {
    }

    public static Admin admin(String bootstrap) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000",
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "50"));
    }

    public static KafkaProducer<String, String> producer(String bootstrap) {
        return producer(bootstrap, Map.of());
    }

    public static KafkaProducer<String, String> producer(String bootstrap, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20000);
        config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        config.putAll(overrides);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    public static KafkaConsumer<String, String> consumer(String bootstrap) {
        return consumer(bootstrap, Map.of());
    }

    public static KafkaConsumer<String, String> consumer(String bootstrap, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20000);
        config.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        config.putAll(overrides);
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** Creates a topic with replication factor 1 and waits for the broker to confirm it. */
    /**
     * Sends records key "k-i", value valuePrefix + i for i in [from, from + count) to one partition with the given
     * acks, and returns their acknowledgements in order once every one arrived.
     */
    public static List<RecordMetadata> produceNumbered(String bootstrap, String acks, TopicPartition partition,
                                                       String valuePrefix, int from, int count) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(bootstrap, Map.of(ProducerConfig.ACKS_CONFIG, acks))) {
            for (int i = from; i < from + count; i++) {
                sent.add(producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), "k-" + i,
                        valuePrefix + i)));
            }
            producer.flush();
        }
        List<RecordMetadata> acked = new ArrayList<>();
        for (Future<RecordMetadata> future : sent) {
            acked.add(future.get(30, TimeUnit.SECONDS));
        }
        return acked;
    }

    public static void createTopic(String bootstrap, String topic, int partitions) {
        createTopic(bootstrap, topic, partitions, Map.of());
    }

    public static void createTopic(String bootstrap, String topic, int partitions, Map<String, String> configs) {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get(20, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("could not create topic " + topic, e);
        }
    }

    public static List<TopicPartition> partitions(String topic, int count) {
        return IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).collect(Collectors.toList());
    }

    /**
     * Reads the given partitions from their beginning until exactly {@code expected} records arrived; fails if
     * fewer arrive before the timeout. Returns the records in the order the consumer delivered them.
     */
    public static List<ConsumerRecord<String, String>> readFromBeginning(String bootstrap, Collection<TopicPartition> partitions,
                                                                        int expected, Duration timeout) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return pollUntilCount(consumer, expected, timeout);
        }
    }

    /**
     * Reads the partitions from their beginning with read_committed until the consumer's position reaches the end
     * the broker reports (the last stable offset); returns the values in the order delivered.
     */
    public static List<String> readCommittedToEnd(String bootstrap, Collection<TopicPartition> partitions) {
        return readToEnd(bootstrap, partitions, IsolationLevel.READ_COMMITTED);
    }

    /** As {@link #readCommittedToEnd}, with the given isolation level (the end is the high watermark for uncommitted). */
    public static List<String> readToEnd(String bootstrap, Collection<TopicPartition> partitions,
                                         IsolationLevel isolation) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString()))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(20));
            Poll.until(Duration.ofSeconds(60), () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> values.add(record.value()));
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            }, "the " + isolation + " consumer to reach the ends " + ends);
        }
        return values;
    }

    public static List<ConsumerRecord<String, String>> pollUntilCount(KafkaConsumer<String, String> consumer, int expected,
                                                                     Duration timeout) {
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try {
            Poll.until(timeout, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                if (received.size() > expected) {
                    throw new AssertionError("expected " + expected + " records but got " + received.size());
                }
                return received.size() == expected;
            }, expected + " records");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; received " + received.size(), e.getCause());
        }
        return received;
    }

    /** Log end offsets as the broker reports them to a consumer. */
    public static Map<TopicPartition, Long> endOffsets(String bootstrap, Collection<TopicPartition> partitions) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            return consumer.endOffsets(partitions, Duration.ofSeconds(20));
        }
    }
}
