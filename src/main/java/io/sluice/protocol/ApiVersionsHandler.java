package io.sluice.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/** ApiVersions: advertises exactly the APIs and versions in the registry. */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {
    private final ApiRegistry registry;

    public ApiVersionsHandler(ApiRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CompletableFuture<ApiVersionsResponseData> handle(RequestContext context, ApiVersionsRequest request) {
        ApiVersionsResponseData response = new ApiVersionsResponseData().setApiKeys(advertised(registry));
        if (context.apiVersion() >= 3 && !request.isValid()) {
            response.setErrorCode(Errors.INVALID_REQUEST.code());
        }
        return CompletableFuture.completedFuture(response);
    }

    static ApiVersionCollection advertised(ApiRegistry registry) {
        ApiVersionCollection versions = new ApiVersionCollection();
        for (ApiRegistry.Entry entry : registry.entries()) {
            versions.add(new ApiVersion().setApiKey(entry.key().id)
                    .setMinVersion(entry.minVersion()).setMaxVersion(entry.maxVersion()));
        }
        return versions;
    }
}
