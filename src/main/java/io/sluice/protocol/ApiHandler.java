package io.sluice.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Handles one Kafka API. Runs on a request thread; may finish later (long-poll fetch, metadata
 * commits). A future that completes with null means "send no response" (acks=0 produce). A future
 * that fails is answered with the API's error response for that exception.
 */
@FunctionalInterface
public interface ApiHandler<R extends AbstractRequest> {
    CompletableFuture<? extends ApiMessage> handle(RequestContext context, R request);
}
