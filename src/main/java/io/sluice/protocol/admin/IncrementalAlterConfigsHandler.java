package io.sluice.protocol.admin;

import io.sluice.group.ConsumerGroupConfig;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;

/**
 * IncrementalAlterConfigs v0-1 for topics: SET and DELETE single keys; APPEND and SUBTRACT
 * elements of list-typed keys (cleanup.policy), starting from the key's effective value.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest> {
    private final MetadataService metadata;
    private final TopicConfigView topicConfigs;
    private final ConsumerGroupConfig groupConfigs;

    IncrementalAlterConfigsHandler(MetadataService metadata, TopicConfigView topicConfigs,
                                   ConsumerGroupConfig groupConfigs) {
        this.metadata = metadata;
        this.topicConfigs = topicConfigs;
        this.groupConfigs = groupConfigs;
    }

    @Override
    public CompletableFuture<IncrementalAlterConfigsResponseData> handle(RequestContext context,
                                                                         IncrementalAlterConfigsRequest request) {
        boolean validateOnly = request.data().validateOnly();
        return AlterableResources.answerEach(request.data().resources(),
                        r -> AlterableResources.key(r.resourceType(), r.resourceName()),
                        IncrementalAlterConfigsHandler::response, r -> alter(r, validateOnly))
                .thenApply(list -> {
            IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
            response.responses().addAll(list);
            return response;
        });
    }

    private CompletableFuture<AlterConfigsResourceResponse> alter(AlterConfigsResource resource, boolean validateOnly) {
        if (ConfigResource.Type.forId(resource.resourceType()) == ConfigResource.Type.GROUP) {
            return alterGroup(resource, validateOnly);
        }
        try {
            Map<String, String> changes = changes(resource);
            return metadata.controller().alterTopicConfigs(resource.resourceName(), changes, true, validateOnly)
                    .handle((ignored, error) -> response(resource,
                            error == null ? ApiError.NONE : AdminErrors.of(error, "IncrementalAlterConfigs " + resource.resourceName())));
        } catch (RuntimeException e) {
            return done(resource, AdminErrors.of(e, "IncrementalAlterConfigs " + resource.resourceName()));
        }
    }

    /** A group's overrides: SET and DELETE of the group config keys, checked against the broker's bounds. */
    private CompletableFuture<AlterConfigsResourceResponse> alterGroup(AlterConfigsResource resource,
                                                                       boolean validateOnly) {
        String groupId = resource.resourceName();
        try {
            if (groupId == null || groupId.isEmpty()) {
                throw new InvalidRequestException("Group name can't be empty.");
            }
            Map<String, String> current = metadata.image().groupConfigs(groupId);
            Map<String, String> changes = new LinkedHashMap<>();
            for (AlterableConfig config : resource.configs()) {
                if (changes.containsKey(config.name())) {
                    throw new InvalidRequestException("Error due to duplicate config keys");
                }
                OpType op = OpType.forId(config.configOperation());
                if (op != OpType.SET && op != OpType.DELETE) {
                    throw new InvalidRequestException("Config value append/subtract is not allowed for group "
                            + "config key: " + config.name());
                }
                if (op == OpType.SET && config.value() == null) {
                    throw new InvalidRequestException("Null value not supported for : " + config.name());
                }
                changes.put(config.name(), op == OpType.SET ? config.value() : null);
            }
            Map<String, String> result = new LinkedHashMap<>(current);
            changes.forEach((key, value) -> {
                if (value == null) {
                    result.remove(key);
                } else {
                    result.put(key, value);
                }
            });
            groupConfigs.validateGroupConfigs(result);
            return metadata.controller().alterGroupConfigs(groupId, changes, true, validateOnly)
                    .handle((ignored, error) -> response(resource,
                            error == null ? ApiError.NONE : AdminErrors.of(error, "IncrementalAlterConfigs " + groupId)));
        } catch (RuntimeException e) {
            return done(resource, AdminErrors.of(e, "IncrementalAlterConfigs " + groupId));
        }
    }

    /** The edits as the controller takes them: key to new value, null to delete the override. */
    private Map<String, String> changes(AlterConfigsResource resource) {
        TopicImage topic = metadata.image().topicsByName().get(resource.resourceName());
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("Topic '" + resource.resourceName() + "' does not exist.");
        }
        Map<String, String> changes = new LinkedHashMap<>();
        for (AlterableConfig config : resource.configs()) {
            if (changes.containsKey(config.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys");
            }
            changes.put(config.name(), newValue(topic, config));
        }
        return changes;
    }

    private String newValue(TopicImage topic, AlterableConfig config) {
        String key = config.name();
        OpType op = OpType.forId(config.configOperation());
        if (op == null) {
            throw new InvalidRequestException("Unknown alter config operation " + config.configOperation()
                    + " for config key " + key);
        }
        if (op != OpType.DELETE && config.value() == null) {
            throw new InvalidRequestException("Null value not supported for : " + key);
        }
        return switch (op) {
            case SET -> config.value();
            case DELETE -> null;
            case APPEND -> {
                requireList(key, "append");
                List<String> values = elements(topicConfigs.effectiveValue(topic.configs(), key));
                for (String element : elements(config.value())) {
                    if (!values.contains(element)) {
                        values.add(element);
                    }
                }
                yield String.join(",", values);
            }
            case SUBTRACT -> {
                requireList(key, "subtract");
                List<String> values = elements(topicConfigs.effectiveValue(topic.configs(), key));
                values.removeAll(elements(config.value()));
                yield String.join(",", values);
            }
        };
    }

    private static void requireList(String key, String operation) {
        if (!TopicConfigKeys.isList(key)) {
            throw new InvalidConfigurationException("Config value " + operation + " is not allowed for config key: " + key);
        }
    }

    private static List<String> elements(String list) {
        List<String> elements = new ArrayList<>();
        if (list != null) {
            for (String element : list.split(",")) {
                String trimmed = element.trim();
                if (!trimmed.isEmpty()) {
                    elements.add(trimmed);
                }
            }
        }
        return elements;
    }

    private static CompletableFuture<AlterConfigsResourceResponse> done(AlterConfigsResource resource, ApiError error) {
        return CompletableFuture.completedFuture(response(resource, error));
    }

    private static AlterConfigsResourceResponse response(AlterConfigsResource resource, ApiError error) {
        return new AlterConfigsResourceResponse().setResourceType(resource.resourceType())
                .setResourceName(resource.resourceName()).setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}
