package io.sluice.cli;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

/**
 * Writes a consumed record the way kafka-console-consumer's default formatter does, e.g.
 * {@code CreateTime:1700000000000\tPartition:0\tOffset:5\tkey\tvalue}. Configured from the
 * --property map (print.timestamp, print.partition, print.offset, print.headers, print.key,
 * print.value, key.separator, line.separator, headers.separator, headers.key.separator, null.literal).
 */
final class ConsoleRecordFormatter {
    private final boolean printTimestamp;
    private final boolean printPartition;
    private final boolean printOffset;
    private final boolean printHeaders;
    private final boolean printKey;
    private final boolean printValue;
    private final String keySeparator;
    private final String lineSeparator;
    private final String headersSeparator;
    private final String headersKeySeparator;
    private final String nullLiteral;

    private ConsoleRecordFormatter(Map<String, String> props) {
        this.printTimestamp = flag(props, "print.timestamp", false);
        this.printPartition = flag(props, "print.partition", false);
        this.printOffset = flag(props, "print.offset", false);
        this.printHeaders = flag(props, "print.headers", false);
        this.printKey = flag(props, "print.key", false);
        this.printValue = flag(props, "print.value", true);
        this.keySeparator = text(props, "key.separator", "\t");
        this.lineSeparator = text(props, "line.separator", "\n");
        this.headersSeparator = text(props, "headers.separator", ",");
        this.headersKeySeparator = text(props, "headers.key.separator", ":");
        this.nullLiteral = text(props, "null.literal", "null");
    }

    static ConsoleRecordFormatter fromProperties(Map<String, String> props) {
        return new ConsoleRecordFormatter(props);
    }

    private static boolean flag(Map<String, String> props, String name, boolean fallback) {
        String value = props.get(name);
        return value == null ? fallback : Boolean.parseBoolean(value.trim());
    }

    private static String text(Map<String, String> props, String name, String fallback) {
        String value = props.get(name);
        return value == null ? fallback : Escapes.unescape(value);
    }

    /** Appends the record's line (including the line separator) to out. */
    void format(ConsumerRecord<byte[], byte[]> record, StringBuilder out) {
        if (printTimestamp) {
            if (record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE) {
                out.append("NO_TIMESTAMP");
            } else {
                out.append(record.timestampType()).append(':').append(record.timestamp());
            }
            separator(out, printPartition || printOffset || printHeaders || printKey || printValue);
        }
        if (printPartition) {
            out.append("Partition:").append(record.partition());
            separator(out, printOffset || printHeaders || printKey || printValue);
        }
        if (printOffset) {
            out.append("Offset:").append(record.offset());
            separator(out, printHeaders || printKey || printValue);
        }
        if (printHeaders) {
            Iterator<Header> headers = record.headers().iterator();
            if (!headers.hasNext()) {
                out.append("NO_HEADERS");
            }
            while (headers.hasNext()) {
                Header header = headers.next();
                out.append(header.key()).append(headersKeySeparator).append(text(header.value()));
                if (headers.hasNext()) {
                    out.append(headersSeparator);
                }
            }
            separator(out, printKey || printValue);
        }
        if (printKey) {
            out.append(text(record.key()));
            separator(out, printValue);
        }
        if (printValue) {
            out.append(text(record.value())).append(lineSeparator);
        }
    }

    /** Between columns the key separator; after the last column the line ends. */
    private void separator(StringBuilder out, boolean moreColumns) {
        out.append(moreColumns ? keySeparator : lineSeparator);
    }

    private String text(byte[] bytes) {
        return bytes == null ? nullLiteral : new String(bytes, StandardCharsets.UTF_8);
    }
}
