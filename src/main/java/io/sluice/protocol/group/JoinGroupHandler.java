package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.requests.JoinGroupRequest;

/**
 * JoinGroup v0-9. The answer may come much later (when the rebalance completes); v4+ members without an id are
 * first told to come back with the one they are given (KIP-394).
 */
public final class JoinGroupHandler implements ApiHandler<JoinGroupRequest> {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<JoinGroupResponseData> handle(RequestContext context, JoinGroupRequest request) {
        short version = context.apiVersion();
        String clientId = context.header().clientId() == null ? "" : context.header().clientId();
        return coordinator.joinGroup(request.data(), clientId, ClientHost.of(context), version >= 4)
                .thenApply(response -> {
                    if (version < 7 && response.protocolName() == null) {
                        // The protocol name only became nullable in v7.
                        response.setProtocolName("");
                    }
                    return response;
                });
    }
}
