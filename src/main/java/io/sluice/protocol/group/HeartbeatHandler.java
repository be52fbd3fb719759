package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.requests.HeartbeatRequest;

/** Heartbeat v0-4: keeps the member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin. */
public final class HeartbeatHandler implements ApiHandler<HeartbeatRequest> {
    private final GroupCoordinator coordinator;

    public HeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<HeartbeatResponseData> handle(RequestContext context, HeartbeatRequest request) {
        return coordinator.heartbeat(request.data())
                .thenApply(error -> new HeartbeatResponseData().setErrorCode(error.code()));
    }
}
