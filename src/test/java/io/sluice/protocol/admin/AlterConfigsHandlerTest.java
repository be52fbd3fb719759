package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.junit.jupiter.api.Test;

class AlterConfigsHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1);
    private final AlterConfigsHandler handler = new AlterConfigsHandler(metadata);

    private static AlterConfigsResource resource(ConfigResource.Type type, String name, String... keyValues) {
        AlterConfigsResource resource = new AlterConfigsResource().setResourceType(type.id()).setResourceName(name);
        for (int i = 0; i < keyValues.length; i += 2) {
            resource.configs().add(new AlterableConfig().setName(keyValues[i]).setValue(keyValues[i + 1]));
        }
        return resource;
    }

    private List<AlterConfigsResourceResponse> alter(int version, boolean validateOnly,
                                                     AlterConfigsResource... resources) {
        AlterConfigsRequestData data = new AlterConfigsRequestData().setValidateOnly(validateOnly);
        for (AlterConfigsResource resource : resources) {
            data.resources().add(resource);
        }
        return wire(await(handler.handle(context(ApiKeys.ALTER_CONFIGS, version),
                new AlterConfigsRequest(data, (short) version))), version).responses();
    }

    @Test
    void replacesAllTopicOverrides() {
        metadata.addTopic("t", 1, Map.of("cleanup.policy", "compact", "retention.ms", "5"));

        List<AlterConfigsResourceResponse> responses = alter(2, false,
                resource(ConfigResource.Type.TOPIC, "t", "retention.ms", "1000"));

        assertThat(responses.get(0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(responses.get(0).errorMessage()).isNull();
        assertThat(responses.get(0).resourceName()).isEqualTo("t");
        assertThat(responses.get(0).resourceType()).isEqualTo(ConfigResource.Type.TOPIC.id());
        assertThat(metadata.image().topicsByName().get("t").configs()).isEqualTo(Map.of("retention.ms", "1000"));
        assertThat(metadata.calls).containsExactly("alterTopicConfigs t {retention.ms=1000} replace");
    }

    @Test
    void validationFailuresAreInvalidConfigWithTheMessage() {
        metadata.addTopic("t", 1, Map.of());

        AlterConfigsResourceResponse response = alter(0, false,
                resource(ConfigResource.Type.TOPIC, "t", "retention.ms", "soon")).get(0);

        assertThat(response.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(response.errorMessage()).isEqualTo("Invalid value soon for configuration retention.ms");
    }

    @Test
    void validateOnlyChangesNothing() {
        metadata.addTopic("t", 1, Map.of("retention.ms", "5"));

        assertThat(alter(1, true, resource(ConfigResource.Type.TOPIC, "t")).get(0).errorCode())
                .isEqualTo(Errors.NONE.code());

        assertThat(metadata.image().topicsByName().get("t").configs()).isEqualTo(Map.of("retention.ms", "5"));
        assertThat(metadata.calls).containsExactly("alterTopicConfigs t {} replace validateOnly");
    }

    @Test
    void brokerResourcesAreRefusedAsStatic() {
        metadata.addTopic("t", 1, Map.of());

        List<AlterConfigsResourceResponse> responses = alter(2, false,
                resource(ConfigResource.Type.BROKER, "1", "log.retention.ms", "1"),
                resource(ConfigResource.Type.TOPIC, "t", "retention.ms", "7"));

        assertThat(responses.get(0).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(responses.get(0).errorMessage()).isEqualTo(
                "Broker configs are static in this version; change server.properties or --override and restart");
        assertThat(responses.get(1).errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void unknownTopicsDuplicateResourcesAndDuplicateKeysAreRefused() {
        metadata.addTopic("t", 1, Map.of());
        metadata.addTopic("u", 1, Map.of());

        List<AlterConfigsResourceResponse> responses = alter(2, false,
                resource(ConfigResource.Type.TOPIC, "missing", "retention.ms", "1"),
                resource(ConfigResource.Type.TOPIC, "t"),
                resource(ConfigResource.Type.TOPIC, "t"),
                resource(ConfigResource.Type.TOPIC, "u", "retention.ms", "1", "retention.ms", "2"));

        assertThat(responses).hasSize(3);
        assertThat(responses.get(0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(responses.get(1).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(responses.get(1).errorMessage()).isEqualTo("Duplicate resource.");
        assertThat(responses.get(2).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(responses.get(2).errorMessage()).isEqualTo("Error due to duplicate config keys");
        assertThat(metadata.calls).containsExactly("alterTopicConfigs missing {retention.ms=1} replace");
    }
}
