package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class ConsoleLineParserTest {

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static List<String> headers(ConsoleLineParser.Parsed parsed) {
        return parsed.headers().stream().map(h -> h.key() + "=" + text(h.value())).toList();
    }

    @Test
    void byDefaultTheWholeLineIsTheValue() {
        ConsoleLineParser.Parsed parsed = ConsoleLineParser.fromProperties(Map.of()).parse("a\tb:c", 1);

        assertThat(parsed.key()).isNull();
        assertThat(text(parsed.value())).isEqualTo("a\tb:c");
        assertThat(parsed.headers()).isEmpty();
    }

    @Test
    void parseKeySplitsAtTheFirstSeparator() {
        ConsoleLineParser parser = ConsoleLineParser.fromProperties(Map.of("parse.key", "true", "key.separator", ":"));

        ConsoleLineParser.Parsed parsed = parser.parse("user1:hello:world", 1);

        assertThat(text(parsed.key())).isEqualTo("user1");
        assertThat(text(parsed.value())).isEqualTo("hello:world");
    }

    @Test
    void defaultKeySeparatorIsTabAndEscapesAreUnderstood() {
        assertThat(text(ConsoleLineParser.fromProperties(Map.of("parse.key", "true")).parse("k\tv", 1).key())).isEqualTo("k");
        assertThat(text(ConsoleLineParser.fromProperties(Map.of("parse.key", "true", "key.separator", "\\t"))
                .parse("k\tv", 1).value())).isEqualTo("v");
    }

    @Test
    void missingKeySeparatorIsAnErrorNamingTheLine() {
        ConsoleLineParser parser = ConsoleLineParser.fromProperties(Map.of("parse.key", "true", "key.separator", ":"));

        assertThatThrownBy(() -> parser.parse("nokey", 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No key separator found on line number 7: 'nokey'");
    }

    @Test
    void ignoreErrorTurnsAMissingKeyIntoANullKey() {
        ConsoleLineParser parser = ConsoleLineParser.fromProperties(
                Map.of("parse.key", "true", "key.separator", ":", "ignore.error", "true"));

        ConsoleLineParser.Parsed parsed = parser.parse("nokey", 1);

        assertThat(parsed.key()).isNull();
        assertThat(text(parsed.value())).isEqualTo("nokey");
    }

    @Test
    void headersComeFirstThenKeyThenValue() {
        ConsoleLineParser parser = ConsoleLineParser.fromProperties(Map.of(
                "parse.headers", "true", "parse.key", "true", "key.separator", "="));

        ConsoleLineParser.Parsed parsed = parser.parse("h1:v1,h2:v2\tk=the value", 1);

        assertThat(headers(parsed)).containsExactly("h1=v1", "h2=v2");
        assertThat(text(parsed.key())).isEqualTo("k");
        assertThat(text(parsed.value())).isEqualTo("the value");
    }

    @Test
    void headerSeparatorsAreConfigurable() {
        ConsoleLineParser parser = ConsoleLineParser.fromProperties(Map.of(
                "parse.headers", "true", "headers.delimiter", "|", "headers.separator", ";", "headers.key.separator", "="));

        ConsoleLineParser.Parsed parsed = parser.parse("a=1;b=x=y|payload", 1);

        assertThat(headers(parsed)).containsExactly("a=1", "b=x=y");
        assertThat(text(parsed.value())).isEqualTo("payload");
    }

    @Test
    void headerWithoutKeySeparatorIsAnError() {
        ConsoleLineParser parser = ConsoleLineParser.fromProperties(Map.of("parse.headers", "true"));

        assertThatThrownBy(() -> parser.parse("a:1,broken\tv", 3))
                .hasMessage("No header key separator found in pair 'broken' on line number 3");
        assertThatThrownBy(() -> parser.parse("no delimiter", 4))
                .hasMessage("No headers delimiter found on line number 4: 'no delimiter'");
    }

    @Test
    void emptyHeaderSectionMeansNoHeaders() {
        ConsoleLineParser.Parsed parsed = ConsoleLineParser.fromProperties(Map.of("parse.headers", "true")).parse("\tvalue", 1);

        assertThat(parsed.headers()).isEmpty();
        assertThat(text(parsed.value())).isEqualTo("value");
    }

    @Test
    void nullMarkerMakesNullKeysValuesAndHeaderValues() {
        ConsoleLineParser parser = ConsoleLineParser.fromProperties(Map.of(
                "parse.headers", "true", "parse.key", "true", "key.separator", "=", "null.marker", "<null>"));

        ConsoleLineParser.Parsed parsed = parser.parse("h:<null>\t<null>=<null>", 1);

        assertThat(parsed.key()).isNull();
        assertThat(parsed.value()).isNull();
        Header header = parsed.headers().get(0);
        assertThat(header.key()).isEqualTo("h");
        assertThat(header.value()).isNull();
    }

    @Test
    void emptySeparatorIsRejected() {
        assertThatThrownBy(() -> ConsoleLineParser.fromProperties(Map.of("parse.key", "true", "key.separator", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key.separator");
    }
}
