package io.sluice.protocol.admin;

import io.sluice.quorum.MetadataService;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterConfigs v0-2, the legacy non-incremental form: a topic's overrides become exactly the
 * configs in the request; keys left out return to their defaults.
 */
public final class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest> {
    private final MetadataService metadata;

    AlterConfigsHandler(MetadataService metadata) {
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<AlterConfigsResponseData> handle(RequestContext context, AlterConfigsRequest request) {
        boolean validateOnly = request.data().validateOnly();
        return AlterableResources.answerEach(request.data().resources(),
                        r -> AlterableResources.key(r.resourceType(), r.resourceName()),
                        AlterConfigsHandler::response, r -> alter(r, validateOnly))
                .thenApply(list -> {
            AlterConfigsResponseData response = new AlterConfigsResponseData();
            response.responses().addAll(list);
            return response;
        });
    }

    private CompletableFuture<AlterConfigsResourceResponse> alter(AlterConfigsResource resource, boolean validateOnly) {
        if (ConfigResource.Type.forId(resource.resourceType()) == ConfigResource.Type.GROUP) {
            return done(resource, new ApiError(Errors.INVALID_REQUEST, "Group configs are changed with "
                    + "IncrementalAlterConfigs (kafka-configs --alter --entity-type groups)."));
        }
        Map<String, String> configs = new LinkedHashMap<>();
        for (AlterableConfig config : resource.configs()) {
            if (configs.containsKey(config.name())) {
                return done(resource, new ApiError(Errors.INVALID_REQUEST, "Error due to duplicate config keys"));
            }
            configs.put(config.name(), config.value());
        }
        try {
            return metadata.controller().alterTopicConfigs(resource.resourceName(), configs, false, validateOnly)
                    .handle((ignored, error) -> response(resource,
                            error == null ? ApiError.NONE : AdminErrors.of(error, "AlterConfigs " + resource.resourceName())));
        } catch (RuntimeException e) {
            return done(resource, AdminErrors.of(e, "AlterConfigs " + resource.resourceName()));
        }
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
