package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;

/**
 * ConsumerGroupHeartbeat v0-1 (KIP-848): join, heartbeat and leave a consumer group; the answer carries the member's
 * epoch and, when it changed, its assignment. v1 members bring their own member id (KIP-1082).
 */
public final class ConsumerGroupHeartbeatHandler implements ApiHandler<ConsumerGroupHeartbeatRequest> {
    private final GroupCoordinator coordinator;

    public ConsumerGroupHeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> handle(RequestContext context,
                                                                       ConsumerGroupHeartbeatRequest request) {
        String clientId = context.header().clientId() == null ? "" : context.header().clientId();
        return coordinator.consumerGroupHeartbeat(request.data(), clientId, ClientHost.of(context),
                context.apiVersion());
    }
}
