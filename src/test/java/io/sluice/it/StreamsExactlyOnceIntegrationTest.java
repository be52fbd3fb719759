package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kafka Streams word count with processing.guarantee=exactly_once_v2 runs unchanged against a Sluice broker that
 * is killed with kill -9 and restarted mid-stream: read with read_committed, its output holds each word's exact
 * count, and each word's counts only ever grow (a record processed twice would overshoot or repeat a count).
 */
@Timeout(240)
class StreamsExactlyOnceIntegrationTest {
    private static final String INPUT = "words";
    private static final String OUTPUT = "word-counts";
    private static final int WORDS = 7;
    private static final int PER_HALF = 700;

    @TempDir
    Path workDir;

    @Test
    void wordCountsAreExactAcrossABrokerCrash() throws Exception {
        try (SluiceProcess broker = SluiceProcess.start(workDir.resolve("broker"))) {
            Clients.createTopic(broker.bootstrap(), INPUT, 2);
            Clients.createTopic(broker.bootstrap(), OUTPUT, 2);
            KafkaStreams streams = new KafkaStreams(wordCount(), streamsConfig(broker.bootstrap()));
            try {
                streams.start();
                produceWords(broker.bootstrap(), 0, PER_HALF);
                Poll.until(Duration.ofSeconds(60), () -> !latestCounts(broker.bootstrap()).isEmpty(),
                        "the first committed counts");

                broker.kill9();
                broker.restart();
                produceWords(broker.bootstrap(), PER_HALF, PER_HALF);

                Map<String, Long> expected = new HashMap<>();
                for (int i = 0; i < 2 * PER_HALF; i++) {
                    expected.merge(word(i), 1L, Long::sum);
                }
                Poll.until(Duration.ofSeconds(120), () -> latestCounts(broker.bootstrap()).equals(expected),
                        "the committed counts to reach " + expected);
                assertCountsOnlyGrow(broker.bootstrap());
            } finally {
                streams.close(Duration.ofSeconds(30));
            }
        }
    }

    private static String word(int i) {
        return "word-" + (i % WORDS);
    }

    private org.apache.kafka.streams.Topology wordCount() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                .groupBy((key, value) -> value, Grouped.with(Serdes.String(), Serdes.String()))
                .count()
                .toStream()
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    private Properties streamsConfig(String bootstrap) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "word-count-eos");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        props.put(StreamsConfig.STATE_DIR_CONFIG, workDir.resolve("streams-state").toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        props.put(StreamsConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        return props;
    }

    private static void produceWords(String bootstrap, int from, int count) throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap)) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = from; i < from + count; i++) {
                sent.add(producer.send(new ProducerRecord<>(INPUT, "line-" + i, word(i))));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> ack : sent) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Every committed output record, read from the beginning with read_committed, in order per partition. */
    private static List<ConsumerRecord<String, Long>> committedOutput(String bootstrap) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        List<ConsumerRecord<String, Long>> records = new ArrayList<>();
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new LongDeserializer())) {
            List<TopicPartition> partitions = Clients.partitions(OUTPUT, 2);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(20));
            Poll.until(Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            }, "the output's last stable offsets " + ends);
        } catch (RuntimeException e) {
            // The broker is restarting: no counts to compare yet.
            return List.of();
        }
        return records;
    }

    private static Map<String, Long> latestCounts(String bootstrap) {
        Map<String, Long> latest = new HashMap<>();
        committedOutput(bootstrap).forEach(record -> latest.put(record.key(), record.value()));
        return latest;
    }

    private static void assertCountsOnlyGrow(String bootstrap) {
        Map<String, Long> previous = new HashMap<>();
        for (ConsumerRecord<String, Long> record : committedOutput(bootstrap)) {
            Long before = previous.put(record.key(), record.value());
            if (before != null) {
                assertThat(record.value()).as("count of %s after %d", record.key(), before).isGreaterThan(before);
            }
        }
    }
}
