package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ConsoleConsumeLoopTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private static MockConsumer<byte[], byte[]> consumerWith(String... values) {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(TP));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.seek(TP, 0L);
        for (int i = 0; i < values.length; i++) {
            consumer.addRecord(new ConsumerRecord<>("t", 0, i, null, values[i].getBytes(StandardCharsets.UTF_8)));
        }
        return consumer;
    }

    @Test
    void stopsAfterMaxMessages() {
        StringWriter out = new StringWriter();
        ConsoleConsumeLoop loop = new ConsoleConsumeLoop(2L, null, ConsoleRecordFormatter.fromProperties(Map.of("print.offset", "true")));

        loop.run(consumerWith("a", "b", "c"), new PrintWriter(out));

        assertThat(out.toString()).isEqualTo("Offset:0\ta\nOffset:1\tb\n");
        assertThat(loop.printed()).isEqualTo(2);
    }

    @Test
    void stopsWhenNothingArrivesWithinTheTimeout() {
        StringWriter out = new StringWriter();
        ConsoleConsumeLoop loop = new ConsoleConsumeLoop(null, 100L, ConsoleRecordFormatter.fromProperties(Map.of()));

        long started = System.nanoTime();
        loop.run(consumerWith("only"), new PrintWriter(out));

        assertThat(out.toString()).isEqualTo("only\n");
        assertThat(loop.printed()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
}
