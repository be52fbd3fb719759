package io.sluice.protocol.admin;

import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/** Which config resources AlterConfigs and IncrementalAlterConfigs may change: topics only. */
final class AlterableResources {
    static final String BROKER_CONFIGS_ARE_STATIC =
            "Broker configs are static in this version; change server.properties or --override and restart";

    private AlterableResources() {
    }

    /** Why a resource of this type cannot be altered, or null for a topic. */
    static ApiError refusal(byte resourceType) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        return switch (type) {
            case TOPIC -> null;
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
}
