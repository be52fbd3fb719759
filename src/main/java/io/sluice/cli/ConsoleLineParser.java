package io.sluice.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Splits one console-producer input line into headers, key and value with kafka-console-producer's
 * rules: {@code [headers<headers.delimiter>][key<key.separator>]value}, headers being
 * {@code k1:v1,k2:v2}. Configured from the --property map (parse.key, key.separator, parse.headers,
 * headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error).
 */
final class ConsoleLineParser {
    /** One parsed line; key and value may be null (null.marker), headers never are. */
    record Parsed(byte[] key, byte[] value, List<Header> headers) {
    }

    private final boolean parseKey;
    private final String keySeparator;
    private final boolean parseHeaders;
    private final String headersDelimiter;
    private final String headersSeparator;
    private final String headersKeySeparator;
    private final String nullMarker;
    private final boolean ignoreError;

    private ConsoleLineParser(Map<String, String> props) {
        this.parseKey = Boolean.parseBoolean(props.getOrDefault("parse.key", "false").trim());
        this.keySeparator = separator(props, "key.separator", "\t");
        this.parseHeaders = Boolean.parseBoolean(props.getOrDefault("parse.headers", "false").trim());
        this.headersDelimiter = separator(props, "headers.delimiter", "\t");
        this.headersSeparator = separator(props, "headers.separator", ",");
        this.headersKeySeparator = separator(props, "headers.key.separator", ":");
        this.nullMarker = props.containsKey("null.marker") ? Escapes.unescape(props.get("null.marker")) : null;
        this.ignoreError = Boolean.parseBoolean(props.getOrDefault("ignore.error", "false").trim());
        if (parseKey && parseHeaders && keySeparator.equals(headersDelimiter)) {
            throw new IllegalArgumentException("headers.delimiter and key.separator may not be equal");
        }
        if (parseHeaders && headersSeparator.equals(headersKeySeparator)) {
            throw new IllegalArgumentException("headers.separator and headers.key.separator may not be equal");
        }
    }

    /**
     * @throws IllegalArgumentException when a separator is empty or two that must differ are equal
     */
    static ConsoleLineParser fromProperties(Map<String, String> props) {
        return new ConsoleLineParser(props);
    }

    private static String separator(Map<String, String> props, String name, String fallback) {
        String value = props.containsKey(name) ? Escapes.unescape(props.get(name)) : fallback;
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " may not be empty");
        }
        return value;
    }

    /**
     * @param lineNumber 1-based, for the error message
     * @throws IllegalArgumentException when a required separator is missing and ignore.error is off
     */
    Parsed parse(String line, long lineNumber) {
        int start = 0;
        String headersText = null;
        if (parseHeaders) {
            int at = line.indexOf(headersDelimiter);
            if (at >= 0) {
                headersText = line.substring(0, at);
                start = at + headersDelimiter.length();
            } else if (!ignoreError) {
                throw new IllegalArgumentException("No headers delimiter found on line number " + lineNumber + ": '" + line + "'");
            }
        }
        String key = null;
        if (parseKey) {
            int at = line.indexOf(keySeparator, start);
            if (at >= 0) {
                key = line.substring(start, at);
                start = at + keySeparator.length();
            } else if (!ignoreError) {
                throw new IllegalArgumentException("No key separator found on line number " + lineNumber + ": '" + line + "'");
            }
        }
        String value = line.substring(start);
        List<Header> headers = headersText == null || headersText.equals(nullMarker)
                ? List.of() : headers(headersText, lineNumber);
        return new Parsed(bytesOrNull(key), bytesOrNull(value), headers);
    }

    private List<Header> headers(String text, long lineNumber) {
        List<Header> headers = new ArrayList<>();
        if (text.isEmpty()) {
            return headers;
        }
        int from = 0;
        while (from <= text.length()) {
            int end = text.indexOf(headersSeparator, from);
            if (end < 0) {
                end = text.length();
            }
            String pair = text.substring(from, end);
            int at = pair.indexOf(headersKeySeparator);
            if (at < 0) {
                if (!ignoreError) {
                    throw new IllegalArgumentException("No header key separator found in pair '" + pair + "' on line number " + lineNumber);
                }
                headers.add(new RecordHeader(pair, null));
            } else {
                String headerKey = pair.substring(0, at);
                if (headerKey.equals(nullMarker)) {
                    throw new IllegalArgumentException("Header keys may not equal the null marker '" + nullMarker + "' on line number " + lineNumber);
                }
                headers.add(new RecordHeader(headerKey, bytesOrNull(pair.substring(at + headersKeySeparator.length()))));
            }
            from = end + headersSeparator.length();
        }
        return headers;
    }

    private byte[] bytesOrNull(String text) {
        return text == null || text.equals(nullMarker) ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
