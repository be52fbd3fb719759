package io.sluice.protocol.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Which config resources AlterConfigs and IncrementalAlterConfigs may change: topics, and groups (with
 * IncrementalAlterConfigs only, as Kafka).
 */
final class AlterableResources {
    static final String BROKER_CONFIGS_ARE_STATIC =
            "Broker configs are static in this version; change server.properties or --override and restart";

    private AlterableResources() {
    }

    /** Why a resource of this type cannot be altered, or null for a topic or a group. */
    static ApiError refusal(byte resourceType) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        return switch (type) {
            case TOPIC, GROUP -> null;
            case BROKER, BROKER_LOGGER -> new ApiError(Errors.INVALID_REQUEST, BROKER_CONFIGS_ARE_STATIC);
            default -> new ApiError(Errors.INVALID_REQUEST, "Unexpected resource type " + type + ".");
        };
    }

    /** Resources named more than once in one request; Kafka refuses each of them once. */
    static Set<ConfigResource> duplicates(Iterable<ConfigResource> resources) {
        Set<ConfigResource> seen = new HashSet<>();
        Set<ConfigResource> duplicates = new HashSet<>();
        for (ConfigResource resource : resources) {
            if (!seen.add(resource)) {
                duplicates.add(resource);
            }
        }
        return duplicates;
    }

    static ConfigResource key(byte resourceType, String resourceName) {
        return new ConfigResource(ConfigResource.Type.forId(resourceType), resourceName);
    }

    /**
     * Answers every resource of an alter request: each duplicate once with INVALID_REQUEST, non-topic
     * resources with their refusal, and topics through {@code alter}. Results keep request order.
     */
    static <R, A> CompletableFuture<List<A>> answerEach(Collection<R> resources, Function<R, ConfigResource> keyOf,
                                                         BiFunction<R, ApiError, A> refuse,
                                                         Function<R, CompletableFuture<A>> alter) {
        List<ConfigResource> keys = new ArrayList<>();
        resources.forEach(r -> keys.add(keyOf.apply(r)));
        Set<ConfigResource> duplicates = duplicates(keys);
        Set<ConfigResource> answeredDuplicates = new HashSet<>();
        List<CompletableFuture<A>> results = new ArrayList<>();
        for (R resource : resources) {
            ConfigResource key = keyOf.apply(resource);
            if (duplicates.contains(key)) {
                if (answeredDuplicates.add(key)) {
                    results.add(CompletableFuture.completedFuture(
                            refuse.apply(resource, new ApiError(Errors.INVALID_REQUEST, "Duplicate resource."))));
                }
                continue;
            }
            ApiError refusal = refusal(key.type().id());
            results.add(refusal != null ? CompletableFuture.completedFuture(refuse.apply(resource, refusal)) : alter.apply(resource));
        }
        return Futures.all(results);
    }
}
