package io.sluice.protocol;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/**
 * ApiVersions: advertises exactly the APIs and versions in the registry and, from v3, the features:
 * {@code transaction.version}, whose finalized level 2 makes Kafka 4.x producers use transactions version 2
 * (KIP-890), and {@code group.version} 1 while the KIP-848 consumer group APIs are served. The features epoch is the metadata log's offset, so it only grows, across restarts too: clients keep
 * the features of the highest epoch they saw.
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {
    static final String TRANSACTION_VERSION = "transaction.version";
    private static final short MAX_TRANSACTION_VERSION = 2;
    static final String GROUP_VERSION = "group.version";
    private static final short CONSUMER_GROUPS_GROUP_VERSION = 1;

    private final ApiRegistry registry;
    private final short transactionVersion;
    private final LongSupplier featuresEpoch;

    /** Without features (transaction.version 0: clients use what every broker has). */
    public ApiVersionsHandler(ApiRegistry registry) {
        this(registry, (short) 0, () -> -1);
    }

    public ApiVersionsHandler(ApiRegistry registry, short transactionVersion, LongSupplier featuresEpoch) {
        this.registry = registry;
        this.transactionVersion = transactionVersion;
        this.featuresEpoch = featuresEpoch;
    }

    @Override
    public CompletableFuture<ApiVersionsResponseData> handle(RequestContext context, ApiVersionsRequest request) {
        ApiVersionsResponseData response = new ApiVersionsResponseData().setApiKeys(advertised(registry));
        if (context.apiVersion() >= 3 && transactionVersion > 0) {
            response.supportedFeatures().add(new ApiVersionsResponseData.SupportedFeatureKey()
                    .setName(TRANSACTION_VERSION).setMinVersion((short) 0).setMaxVersion(MAX_TRANSACTION_VERSION));
            response.finalizedFeatures().add(new ApiVersionsResponseData.FinalizedFeatureKey()
                    .setName(TRANSACTION_VERSION).setMinVersionLevel(transactionVersion)
                    .setMaxVersionLevel(transactionVersion));
            response.setFinalizedFeaturesEpoch(Math.max(0, featuresEpoch.getAsLong()));
        }
        if (context.apiVersion() >= 3 && registry.get(ApiKeys.CONSUMER_GROUP_HEARTBEAT) != null) {
            response.supportedFeatures().add(new ApiVersionsResponseData.SupportedFeatureKey()
                    .setName(GROUP_VERSION).setMinVersion((short) 0).setMaxVersion(CONSUMER_GROUPS_GROUP_VERSION));
            response.finalizedFeatures().add(new ApiVersionsResponseData.FinalizedFeatureKey()
                    .setName(GROUP_VERSION).setMinVersionLevel(CONSUMER_GROUPS_GROUP_VERSION)
                    .setMaxVersionLevel(CONSUMER_GROUPS_GROUP_VERSION));
            response.setFinalizedFeaturesEpoch(Math.max(0, featuresEpoch.getAsLong()));
        }
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
