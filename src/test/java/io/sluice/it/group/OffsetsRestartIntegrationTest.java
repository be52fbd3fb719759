package io.sluice.it.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Committed offsets live in __consumer_offsets, so a group resumes where it was after the broker restarts. */
class OffsetsRestartIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void aGroupResumesAfterTheLastCommitAcrossABrokerRestart() throws Exception {
        TopicPartition tp = new TopicPartition("durable", 0);
        try (GroupTestBroker broker = GroupTestBroker.start(dataDir)) {
            broker.createTopic("durable", 1);
            broker.produce("durable", 0, 0, 6);
            try (KafkaConsumer<String, String> consumer = broker.consumer("durable-group", Map.of())) {
                consumer.subscribe(List.of("durable"));
                Deadline.pollUntil(TIMEOUT, () -> consumer.poll(Duration.ofMillis(100)),
                        () -> !consumer.assignment().isEmpty(), "the assignment");
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(4)));
            }
        }
        try (GroupTestBroker broker = GroupTestBroker.start(dataDir);
             KafkaConsumer<String, String> consumer = broker.consumer("durable-group", Map.of())) {
            consumer.subscribe(List.of("durable"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            Deadline.pollUntil(TIMEOUT, () -> consumer.poll(Duration.ofMillis(100)).forEach(seen::add),
                    () -> seen.size() >= 2, "the records after the commit");
            assertThat(seen).extracting(ConsumerRecord::offset).containsExactly(4L, 5L);
        }
    }
}
