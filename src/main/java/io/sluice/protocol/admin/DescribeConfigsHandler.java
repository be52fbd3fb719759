package io.sluice.protocol.admin;

import io.sluice.group.ConsumerGroupConfig;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * DescribeConfigs v1-4 for topics (effective values with their sources), for this broker (its static
 * configuration, read-only) and for groups (their overrides, or the broker's settings they fall back to). Each resource succeeds or fails on its own.
 */
public final class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest> {
    private final MetadataService metadata;
    private final TopicConfigView topicConfigs;
    private final Map<String, String> brokerConfigs;
    private final int nodeId;
    private final ConsumerGroupConfig groupConfigs;

    /** @param brokerConfigs every broker key with its effective value (null when unset) */
    DescribeConfigsHandler(MetadataService metadata, TopicConfigView topicConfigs, Map<String, String> brokerConfigs,
                           int nodeId, ConsumerGroupConfig groupConfigs) {
        this.metadata = metadata;
        this.groupConfigs = groupConfigs;
        this.topicConfigs = topicConfigs;
        this.brokerConfigs = new TreeMap<>(brokerConfigs);
        this.nodeId = nodeId;
    }

    @Override
    public CompletableFuture<DescribeConfigsResponseData> handle(RequestContext context, DescribeConfigsRequest request) {
        short version = context.apiVersion();
        boolean synonyms = request.data().includeSynonyms();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsResource resource : request.data().resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            try {
                List<DescribeConfigsResourceResult> configs = switch (ConfigResource.Type.forId(resource.resourceType())) {
                    case TOPIC -> describeTopic(resource.resourceName(), synonyms, version);
                    case BROKER -> describeBroker(resource.resourceName(), synonyms);
                    case GROUP -> describeGroup(resource.resourceName(), synonyms);
                    default -> throw new InvalidRequestException("Unsupported resource type: "
                            + ConfigResource.Type.forId(resource.resourceType()));
                };
                List<String> keys = resource.configurationKeys();
                if (keys != null && !keys.isEmpty()) {
                    configs.removeIf(config -> !keys.contains(config.name()));
                }
                result.setErrorCode(Errors.NONE.code()).setConfigs(configs);
            } catch (RuntimeException e) {
                ApiError error = AdminErrors.of(e, "DescribeConfigs " + resource.resourceName());
                result.setErrorCode(error.error().code()).setErrorMessage(error.message());
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private List<DescribeConfigsResourceResult> describeTopic(String name, boolean includeSynonyms, short version) {
        Topic.validate(name);
        TopicImage topic = metadata.image().topicsByName().get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
        }
        List<DescribeConfigsResourceResult> configs = new ArrayList<>();
        for (TopicConfigView.Entry entry : topicConfigs.describe(topic.configs())) {
            DescribeConfigsResourceResult config = new DescribeConfigsResourceResult().setName(entry.name())
                    .setValue(entry.value()).setReadOnly(false).setConfigSource(entry.source().id())
                    .setIsSensitive(false);
            if (version >= 3) {
                config.setConfigType(TopicConfigKeys.type(entry.name()).id());
            }
            if (includeSynonyms) {
                for (TopicConfigView.Synonym synonym : entry.synonyms()) {
                    config.synonyms().add(new DescribeConfigsSynonym().setName(synonym.name())
                            .setValue(synonym.value()).setSource(synonym.source().id()));
                }
            }
            configs.add(config);
        }
        return configs;
    }

    /** A group's configs: each key's override, or the broker's setting it falls back to. */
    private List<DescribeConfigsResourceResult> describeGroup(String groupId, boolean includeSynonyms) {
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidRequestException("Group name can't be empty.");
        }
        Map<String, String> overrides = metadata.image().groupConfigs(groupId);
        List<DescribeConfigsResourceResult> configs = new ArrayList<>();
        new TreeMap<>(groupConfigs.groupConfigDefaults()).forEach((key, fallback) -> {
            String override = overrides.get(key);
            ConfigSource source = override != null ? ConfigSource.GROUP_CONFIG : ConfigSource.DEFAULT_CONFIG;
            String value = override != null ? override : fallback;
            DescribeConfigsResourceResult config = new DescribeConfigsResourceResult().setName(key).setValue(value)
                    .setReadOnly(false).setConfigSource(source.id()).setIsSensitive(false)
                    .setConfigType((key.equals(ConsumerGroupConfig.SHARE_AUTO_OFFSET_RESET) ? ConfigType.STRING
                            : ConfigType.INT).id());
            if (includeSynonyms) {
                config.synonyms().add(new DescribeConfigsSynonym().setName(key).setValue(value)
                        .setSource(source.id()));
            }
            configs.add(config);
        });
        return configs;
    }

    private List<DescribeConfigsResourceResult> describeBroker(String name, boolean includeSynonyms) {
        if (!name.isEmpty()) {
            int brokerId;
            try {
                brokerId = Integer.parseInt(name);
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("Broker id must be an integer, but it is: " + name);
            }
            if (brokerId != nodeId) {
                throw new InvalidRequestException("Unexpected broker id, expected " + nodeId
                        + " or empty string, but received " + name);
            }
        }
        List<DescribeConfigsResourceResult> configs = new ArrayList<>(brokerConfigs.size());
        brokerConfigs.forEach((key, value) -> {
            DescribeConfigsResourceResult config = new DescribeConfigsResourceResult().setName(key).setValue(value)
                    .setReadOnly(true).setConfigSource(ConfigSource.STATIC_BROKER_CONFIG.id()).setIsSensitive(false)
                    .setConfigType(ConfigType.UNKNOWN.id());
            if (includeSynonyms) {
                config.synonyms().add(new DescribeConfigsSynonym().setName(key).setValue(value)
                        .setSource(ConfigSource.STATIC_BROKER_CONFIG.id()));
            }
            configs.add(config);
        });
        return configs;
    }
}
