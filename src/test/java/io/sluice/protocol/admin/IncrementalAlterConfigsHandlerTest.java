package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.junit.jupiter.api.Test;

class IncrementalAlterConfigsHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1);
    private final IncrementalAlterConfigsHandler handler =
            new IncrementalAlterConfigsHandler(metadata, AdminTestSupport.topicConfigs(),
                    io.sluice.group.ConsumerGroupConfig.defaults());

    private static AlterConfigsResource topic(String name, AlterableConfig... configs) {
        AlterConfigsResource resource = new AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName(name);
        for (AlterableConfig config : configs) {
            resource.configs().add(config);
        }
        return resource;
    }

    private static AlterableConfig op(OpType op, String key, String value) {
        return new AlterableConfig().setName(key).setConfigOperation(op.id()).setValue(value);
    }

    private List<AlterConfigsResourceResponse> alter(int version, boolean validateOnly,
                                                     AlterConfigsResource... resources) {
        IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData().setValidateOnly(validateOnly);
        for (AlterConfigsResource resource : resources) {
            data.resources().add(resource);
        }
        return wire(await(handler.handle(context(ApiKeys.INCREMENTAL_ALTER_CONFIGS, version),
                new IncrementalAlterConfigsRequest.Builder(data).build((short) version))), version).responses();
    }

    private Map<String, String> configsOf(String topic) {
        return metadata.image().topicsByName().get(topic).configs();
    }

    @Test
    void setAndDeleteEditSingleKeys() {
        metadata.addTopic("t", 1, Map.of("retention.ms", "5", "segment.bytes", "1000000"));

        AlterConfigsResourceResponse response = alter(1, false, topic("t",
                op(OpType.SET, "retention.ms", "99"), op(OpType.DELETE, "segment.bytes", null))).get(0);

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.errorMessage()).isNull();
        assertThat(configsOf("t")).isEqualTo(Map.of("retention.ms", "99"));
        assertThat(metadata.calls).containsExactly("alterTopicConfigs t {retention.ms=99, segment.bytes=null} incremental");
    }

    @Test
    void appendAndSubtractStartFromTheEffectiveValue() {
        metadata.addTopic("t", 1, Map.of());

        assertThat(alter(0, false, topic("t", op(OpType.APPEND, "cleanup.policy", "compact"))).get(0).errorCode())
                .isEqualTo(Errors.NONE.code());
        assertThat(configsOf("t")).containsEntry("cleanup.policy", "delete,compact");

        alter(0, false, topic("t", op(OpType.APPEND, "cleanup.policy", "compact,delete")));
        assertThat(configsOf("t")).containsEntry("cleanup.policy", "delete,compact");

        alter(1, false, topic("t", op(OpType.SUBTRACT, "cleanup.policy", "delete")));
        assertThat(configsOf("t")).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void appendToANonListKeyIsInvalidConfig() {
        metadata.addTopic("t", 1, Map.of());

        AlterConfigsResourceResponse response = alter(1, false,
                topic("t", op(OpType.APPEND, "retention.ms", "1"))).get(0);
        AlterConfigsResourceResponse subtract = alter(1, false,
                topic("t", op(OpType.SUBTRACT, "retention.ms", "1"))).get(0);

        assertThat(response.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(response.errorMessage()).isEqualTo("Config value append is not allowed for config key: retention.ms");
        assertThat(subtract.errorMessage()).isEqualTo("Config value subtract is not allowed for config key: retention.ms");
        assertThat(metadata.calls).isEmpty();
    }

    @Test
    void controllerValidationErrorsAreInvalidConfig() {
        metadata.addTopic("t", 1, Map.of());

        AlterConfigsResourceResponse response = alter(1, false,
                topic("t", op(OpType.SET, "retention.ms", "later"))).get(0);

        assertThat(response.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(response.errorMessage()).isEqualTo("Invalid value later for configuration retention.ms");
    }

    @Test
    void validateOnlyLeavesTheTopicAlone() {
        metadata.addTopic("t", 1, Map.of("retention.ms", "5"));

        alter(1, true, topic("t", op(OpType.SET, "retention.ms", "6")));

        assertThat(configsOf("t")).isEqualTo(Map.of("retention.ms", "5"));
        assertThat(metadata.calls).containsExactly("alterTopicConfigs t {retention.ms=6} incremental validateOnly");
    }

    @Test
    void refusesBrokersUnknownTopicsDuplicatesAndMissingValues() {
        metadata.addTopic("t", 1, Map.of());
        metadata.addTopic("u", 1, Map.of());
        AlterConfigsResource broker = new AlterConfigsResource().setResourceType(ConfigResource.Type.BROKER.id())
                .setResourceName("");
        broker.configs().add(op(OpType.SET, "log.retention.ms", "1"));

        List<AlterConfigsResourceResponse> responses = alter(1, false, broker,
                topic("missing", op(OpType.SET, "retention.ms", "1")),
                topic("t", op(OpType.SET, "retention.ms", "1"), op(OpType.DELETE, "retention.ms", null)),
                topic("u", op(OpType.SET, "retention.ms", null)));

        assertThat(responses.get(0).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(responses.get(0).errorMessage()).isEqualTo(AlterableResources.BROKER_CONFIGS_ARE_STATIC);
        assertThat(responses.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(responses.get(2).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(responses.get(2).errorMessage()).isEqualTo("Error due to duplicate config keys");
        assertThat(responses.get(3).errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(metadata.calls).isEmpty();
    }
}
