package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.junit.jupiter.api.Test;

class DescribeConfigsHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1);
    private final DescribeConfigsHandler handler;

    DescribeConfigsHandlerTest() {
        Map<String, String> brokerConfigs = new HashMap<>();
        brokerConfigs.put("node.id", "1");
        brokerConfigs.put("log.retention.ms", "86400000");
        brokerConfigs.put("broker.rack", null);
        handler = new DescribeConfigsHandler(metadata, AdminTestSupport.topicConfigs(), brokerConfigs, 1,
                io.sluice.group.ConsumerGroupConfig.defaults());
        metadata.addTopic("t", 1, Map.of("cleanup.policy", "compact"));
    }

    private static DescribeConfigsResource resource(ConfigResource.Type type, String name, String... keys) {
        return new DescribeConfigsResource().setResourceType(type.id()).setResourceName(name)
                .setConfigurationKeys(keys.length == 0 ? null : Arrays.asList(keys));
    }

    private List<DescribeConfigsResult> describe(int version, boolean synonyms, DescribeConfigsResource... resources) {
        DescribeConfigsRequestData data = new DescribeConfigsRequestData().setIncludeSynonyms(synonyms)
                .setResources(List.of(resources));
        DescribeConfigsResponseData response = wire(await(handler.handle(context(ApiKeys.DESCRIBE_CONFIGS, version),
                new DescribeConfigsRequest.Builder(data).build((short) version))), version);
        return response.results();
    }

    private static DescribeConfigsResourceResult config(DescribeConfigsResult result, String name) {
        return result.configs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void topicConfigsCarryTheirSources() {
        DescribeConfigsResult result = describe(4, false, resource(ConfigResource.Type.TOPIC, "t")).get(0);

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.resourceName()).isEqualTo("t");
        assertThat(result.resourceType()).isEqualTo(ConfigResource.Type.TOPIC.id());
        assertThat(result.configs()).extracting(DescribeConfigsResourceResult::name)
                .containsExactly("cleanup.policy", "max.message.bytes", "retention.ms", "segment.bytes");
        DescribeConfigsResourceResult cleanup = config(result, "cleanup.policy");
        assertThat(cleanup.value()).isEqualTo("compact");
        assertThat(cleanup.configSource()).isEqualTo(ConfigSource.TOPIC_CONFIG.id());
        assertThat(cleanup.readOnly()).isFalse();
        assertThat(cleanup.isSensitive()).isFalse();
        assertThat(cleanup.configType()).isEqualTo(ConfigType.LIST.id());
        assertThat(cleanup.synonyms()).isEmpty();
        assertThat(config(result, "retention.ms").configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id());
        assertThat(config(result, "retention.ms").configType()).isEqualTo(ConfigType.LONG.id());
        assertThat(config(result, "segment.bytes").configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id());
    }

    @Test
    void synonymsRunFromTopicOverrideToDefault() {
        DescribeConfigsResult result = describe(1, true, resource(ConfigResource.Type.TOPIC, "t")).get(0);

        assertThat(config(result, "cleanup.policy").synonyms())
                .extracting(DescribeConfigsSynonym::name, DescribeConfigsSynonym::value, DescribeConfigsSynonym::source)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("cleanup.policy", "compact", ConfigSource.TOPIC_CONFIG.id()),
                        org.assertj.core.groups.Tuple.tuple("log.cleanup.policy", "delete", ConfigSource.DEFAULT_CONFIG.id()));
        assertThat(config(result, "retention.ms").synonyms())
                .extracting(DescribeConfigsSynonym::name, DescribeConfigsSynonym::source)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("log.retention.ms", ConfigSource.STATIC_BROKER_CONFIG.id()),
                        org.assertj.core.groups.Tuple.tuple("log.retention.ms", ConfigSource.DEFAULT_CONFIG.id()));
        assertThat(config(result, "cleanup.policy").configType()).isEqualTo(ConfigType.UNKNOWN.id());
    }

    @Test
    void requestedKeysFilterTheResult() {
        DescribeConfigsResult result = describe(4, false,
                resource(ConfigResource.Type.TOPIC, "t", "retention.ms", "no.such.key")).get(0);

        assertThat(result.configs()).extracting(DescribeConfigsResourceResult::name).containsExactly("retention.ms");
    }

    @Test
    void missingOrInvalidTopicsFailOnTheirOwn() {
        List<DescribeConfigsResult> results = describe(4, false, resource(ConfigResource.Type.TOPIC, "missing"),
                resource(ConfigResource.Type.TOPIC, "bad/name"), resource(ConfigResource.Type.TOPIC, "t"));

        assertThat(results.get(0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(results.get(0).errorMessage()).isEqualTo("The topic 'missing' does not exist.");
        assertThat(results.get(0).configs()).isEmpty();
        assertThat(results.get(1).errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
        assertThat(results.get(2).errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void brokerResourceIsTheStaticConfigReadOnly() {
        List<DescribeConfigsResult> results = describe(4, true, resource(ConfigResource.Type.BROKER, "1"),
                resource(ConfigResource.Type.BROKER, ""));

        for (DescribeConfigsResult result : results) {
            assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(result.configs()).extracting(DescribeConfigsResourceResult::name)
                    .containsExactly("broker.rack", "log.retention.ms", "node.id");
            assertThat(result.configs()).allSatisfy(c -> {
                assertThat(c.readOnly()).isTrue();
                assertThat(c.configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id());
            });
            assertThat(config(result, "broker.rack").value()).isNull();
            assertThat(config(result, "node.id").synonyms()).extracting(DescribeConfigsSynonym::name)
                    .containsExactly("node.id");
        }
    }

    @Test
    void aGroupShowsTheBrokersSettingsUntilItOverridesThem() {
        List<DescribeConfigsResult> results = describe(4, false, resource(ConfigResource.Type.GROUP, "g"));

        assertThat(results.get(0).errorCode()).isZero();
        assertThat(results.get(0).configs()).extracting(c -> c.name() + "=" + c.value())
                .containsExactly("consumer.heartbeat.interval.ms=5000", "consumer.session.timeout.ms=45000",
                        "share.auto.offset.reset=latest");
    }

    @Test
    void otherBrokersAndOtherResourceTypesAreInvalidRequests() {
        List<DescribeConfigsResult> results = describe(4, false, resource(ConfigResource.Type.BROKER, "2"),
                resource(ConfigResource.Type.BROKER, "x"), resource(ConfigResource.Type.CLIENT_METRICS, "m"));

        assertThat(results).allSatisfy(r -> assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code()));
        assertThat(results.get(0).errorMessage()).isEqualTo("Unexpected broker id, expected 1 or empty string, but received 2");
        assertThat(results.get(1).errorMessage()).isEqualTo("Broker id must be an integer, but it is: x");
    }
}
