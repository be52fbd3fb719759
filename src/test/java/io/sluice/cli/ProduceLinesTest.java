package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ProduceLinesTest {

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void sendsOneRecordPerLineWithKeysAndHeaders() {
        MockProducer<byte[], byte[]> producer = producer(true);
        ConsoleLineParser parser = ConsoleLineParser.fromProperties(Map.of(
                "parse.key", "true", "key.separator", ":", "parse.headers", "true"));

        Exception error = ProduceCommand.sendLines(new BufferedReader(new StringReader("h:1\tk1:v1\n\tk2:v2\n")), parser, "t", producer);

        assertThat(error).isNull();
        assertThat(producer.history()).hasSize(2);
        ProducerRecord<byte[], byte[]> first = producer.history().get(0);
        assertThat(first.topic()).isEqualTo("t");
        assertThat(text(first.key())).isEqualTo("k1");
        assertThat(text(first.value())).isEqualTo("v1");
        assertThat(first.headers().lastHeader("h").value()).isEqualTo("1".getBytes(StandardCharsets.UTF_8));
        assertThat(text(producer.history().get(1).key())).isEqualTo("k2");
        assertThat(producer.flushed()).isTrue();
    }

    @Test
    void stopsAtAndReportsTheFirstFailedSend() {
        AtomicInteger sends = new AtomicInteger();
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                sends.incrementAndGet();
                RecordTooLargeException error = new RecordTooLargeException("too big");
                callback.onCompletion(null, error);
                return CompletableFuture.failedFuture(error);
            }
        };

        Exception error = ProduceCommand.sendLines(new BufferedReader(new StringReader("x\ny\n")),
                ConsoleLineParser.fromProperties(Map.of()), "t", producer);

        assertThat(error).isInstanceOf(RecordTooLargeException.class).hasMessage("too big");
        assertThat(sends).hasValue(1);
    }

    @Test
    void malformedLineFailsTheCommandAfterSendingEarlierLines() {
        MockProducer<byte[], byte[]> producer = producer(true);
        ConsoleLineParser parser = ConsoleLineParser.fromProperties(Map.of("parse.key", "true", "key.separator", ":"));

        assertThatThrownBy(() -> ProduceCommand.sendLines(new BufferedReader(new StringReader("a:1\nbroken\n")), parser, "t", producer))
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("No key separator found on line number 2: 'broken'");
        assertThat(producer.history()).hasSize(1);
    }
}
