package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ConsoleRecordFormatterTest {

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String value, TimestampType type, RecordHeaders headers) {
        return new ConsumerRecord<>("t", 0, 5L, 1700000000000L, type, -1, -1, bytes(key), bytes(value), headers, Optional.empty());
    }

    private static String format(Map<String, String> props, ConsumerRecord<byte[], byte[]> record) {
        StringBuilder sb = new StringBuilder();
        ConsoleRecordFormatter.fromProperties(props).format(record, sb);
        return sb.toString();
    }

    @Test
    void printsOnlyTheValueByDefault() {
        assertThat(format(Map.of(), record("k", "hello", TimestampType.CREATE_TIME, new RecordHeaders()))).isEqualTo("hello\n");
    }

    @Test
    void printsAllColumnsInKafkaOrder() {
        Map<String, String> props = Map.of("print.timestamp", "true", "print.partition", "true", "print.offset", "true",
                "print.key", "true");

        String line = format(props, record("key", "value", TimestampType.CREATE_TIME, new RecordHeaders()));

        assertThat(line).isEqualTo("CreateTime:1700000000000\tPartition:0\tOffset:5\tkey\tvalue\n");
    }

    @Test
    void printsHeadersAndNullsWithKafkaLiterals() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader("h1", bytes("v1")));
        headers.add(new RecordHeader("h2", (byte[]) null));
        Map<String, String> props = Map.of("print.headers", "true", "print.key", "true");

        assertThat(format(props, record(null, null, TimestampType.CREATE_TIME, headers))).isEqualTo("h1:v1,h2:null\tnull\tnull\n");
        assertThat(format(props, record("k", "v", TimestampType.CREATE_TIME, new RecordHeaders()))).isEqualTo("NO_HEADERS\tk\tv\n");
    }

    @Test
    void honoursSeparatorsTimestampTypeAndValueSuppression() {
        Map<String, String> props = Map.of("print.timestamp", "true", "print.key", "true", "print.value", "false",
                "key.separator", " | ");

        assertThat(format(props, record("k", "v", TimestampType.LOG_APPEND_TIME, new RecordHeaders())))
                .isEqualTo("LogAppendTime:1700000000000 | k\n");
        assertThat(format(Map.of("print.timestamp", "true"), record("k", "v", TimestampType.NO_TIMESTAMP_TYPE, new RecordHeaders())))
                .isEqualTo("NO_TIMESTAMP\tv\n");
    }

    @Test
    void escapedSeparatorsAreUnescaped() {
        Map<String, String> props = Map.of("print.key", "true", "key.separator", "\\t", "null.literal", "-");

        assertThat(format(props, record(null, "v", TimestampType.CREATE_TIME, new RecordHeaders()))).isEqualTo("-\tv\n");
    }
}
