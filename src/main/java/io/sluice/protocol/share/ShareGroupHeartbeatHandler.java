package io.sluice.protocol.share;

import io.sluice.group.GroupCoordinator;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.group.ClientHost;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;

/** ShareGroupHeartbeat v1 (KIP-932): join, heartbeat and leave a share group, hearing its assignment. */
public final class ShareGroupHeartbeatHandler implements ApiHandler<ShareGroupHeartbeatRequest> {
    private final GroupCoordinator coordinator;

    public ShareGroupHeartbeatHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ShareGroupHeartbeatResponseData> handle(RequestContext context,
                                                                    ShareGroupHeartbeatRequest request) {
        String clientId = context.header().clientId() == null ? "" : context.header().clientId();
        return coordinator.shareGroupHeartbeat(request.data(), clientId, ClientHost.of(context));
    }
}
