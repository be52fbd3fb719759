package io.sluice.protocol.admin;

import io.sluice.metadata.MetadataImage;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteTopicsRequest;

/**
 * DeleteTopics v1-6: by name, and from v6 by topic id. Malformed or repeated entries are refused
 * one by one (as Kafka's controller does) while the others are deleted.
 */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {
    private final MetadataService metadata;

    DeleteTopicsHandler(MetadataService metadata) {
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<DeleteTopicsResponseData> handle(RequestContext context, DeleteTopicsRequest request) {
        short version = context.apiVersion();
        List<CompletableFuture<DeletableTopicResult>> results = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        Set<String> duplicateNames = new LinkedHashSet<>();
        Set<Uuid> ids = new LinkedHashSet<>();
        Set<Uuid> duplicateIds = new LinkedHashSet<>();
        if (version < 6) {
            for (String name : request.data().topicNames()) {
                provide(name, names, duplicateNames);
            }
        } else {
            for (DeleteTopicState topic : request.data().topics()) {
                boolean hasId = !Uuid.ZERO_UUID.equals(topic.topicId());
                if (topic.name() == null && !hasId) {
                    results.add(done(result(null, Uuid.ZERO_UUID, invalid("Neither topic name nor id were specified."),
                            version)));
                } else if (topic.name() == null) {
                    provide(topic.topicId(), ids, duplicateIds);
                } else if (!hasId) {
                    provide(topic.name(), names, duplicateNames);
                } else {
                    results.add(done(result(topic.name(), topic.topicId(),
                            invalid("You may not specify both topic name and topic id."), version)));
                }
            }
        }
        duplicateNames.forEach(name -> results.add(done(result(name, Uuid.ZERO_UUID, invalid("Duplicate topic name."),
                version))));
        duplicateIds.forEach(id -> results.add(done(result(null, id, invalid("Duplicate topic id."), version))));

        MetadataImage image = metadata.image();
        Map<Uuid, String> toDelete = new LinkedHashMap<>();
        for (Uuid id : ids) {
            TopicImage topic = image.topicsById().get(id);
            if (topic == null) {
                results.add(done(result(null, id, new ApiError(Errors.UNKNOWN_TOPIC_ID,
                        "Topic id " + id + " does not exist."), version)));
            } else {
                toDelete.put(id, topic.name());
            }
        }
        for (String name : names) {
            TopicImage topic = image.topicsByName().get(name);
            if (topic == null) {
                results.add(done(result(name, Uuid.ZERO_UUID, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "Topic '" + name + "' does not exist."), version)));
            } else if (toDelete.containsKey(topic.id())) {
                toDelete.remove(topic.id());
                results.add(done(result(name, topic.id(),
                        invalid("The provided topic name maps to an ID that was already supplied."), version)));
            } else {
                toDelete.put(topic.id(), name);
            }
        }
        toDelete.forEach((id, name) -> results.add(delete(id, name, version)));
        return Futures.all(results).thenApply(list -> {
            DeleteTopicsResponseData response = new DeleteTopicsResponseData();
            list.forEach(result -> response.responses().add(result));
            return response;
        });
    }

    private static <T> void provide(T key, Set<T> provided, Set<T> duplicates) {
        if (duplicates.contains(key)) {
            return;
        }
        if (!provided.add(key)) {
            provided.remove(key);
            duplicates.add(key);
        }
    }

    private CompletableFuture<DeletableTopicResult> delete(Uuid id, String name, short version) {
        try {
            return metadata.controller().deleteTopic(name).handle((ignored, error) ->
                    result(name, id, error == null ? ApiError.NONE : AdminErrors.of(error, "DeleteTopics " + name), version));
        } catch (RuntimeException e) {
            return done(result(name, id, AdminErrors.of(e, "DeleteTopics " + name), version));
        }
    }

    private static ApiError invalid(String message) {
        return new ApiError(Errors.INVALID_REQUEST, message);
    }

    private static DeletableTopicResult result(String name, Uuid id, ApiError error, short version) {
        DeletableTopicResult result = new DeletableTopicResult().setName(name).setErrorCode(error.error().code());
        if (version >= 5) {
            result.setErrorMessage(error.message());
        }
        if (version >= 6) {
            result.setTopicId(id);
        }
        return result;
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
