package io.sluice.protocol.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.RequestContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.RequestHeader;

/** Shared helpers: request contexts, a fake topic config view, and a wire round trip of responses. */
final class AdminTestSupport {
    static final Map<String, String> BUILT_IN = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", "604800000",
            "segment.bytes", "1073741824",
            "max.message.bytes", "1048588");
    /** The broker sets log.retention.ms=86400000; everything else is Kafka's default. */
    static final Map<String, String> BROKER_TOPIC_DEFAULTS = Map.of(
            "cleanup.policy", "delete",
            "retention.ms", "86400000",
            "segment.bytes", "1073741824",
            "max.message.bytes", "1048588");

    private AdminTestSupport() {
    }

    static RequestContext context(ApiKeys key, int version) {
        return new RequestContext(new RequestHeader(key, (short) version, "test-client", 7), null);
    }

    static TopicConfigView topicConfigs() {
        return new TopicConfigView(overrides -> {
            Map<String, String> values = new LinkedHashMap<>(BUILT_IN);
            values.putAll(BROKER_TOPIC_DEFAULTS);
            values.putAll(overrides);
            return values;
        }, BROKER_TOPIC_DEFAULTS, BUILT_IN);
    }

    /** Serialises a response at a version and reads it back, as a client would see it. */
    @SuppressWarnings("unchecked")
    static <T extends ApiMessage> T wire(T message, int version) {
        ByteBufferAccessor written = MessageUtil.toByteBufferAccessor(message, (short) version);
        ByteBuffer buffer = written.buffer();
        if (buffer.position() != 0) {
            buffer.flip();
        }
        ApiMessage read = ApiKeys.forId(message.apiKey()).messageType.newResponse();
        read.read(new ByteBufferAccessor(buffer), (short) version);
        return (T) read;
    }

    static <T> T await(CompletableFuture<T> future) {
        assertThat(future).succeedsWithin(Duration.ofSeconds(5));
        try {
            return future.get(0, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
