package io.sluice.quorum;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * Hands a write straight to this node's Raft server while it leads the group. The active controller proposes
 * most metadata changes, and a lone voter all of them; going through a RaftClient would open a gRPC channel to
 * itself and cost a network round trip per change.
 */
final class LocalLeaderSubmitter {
    private final RaftServer server;
    private final RaftGroupId groupId;
    private final RaftPeerId self;
    /** Ratis' retry cache keys requests by client id and call id, so both must be unique per request. */
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();

    LocalLeaderSubmitter(RaftServer server, RaftGroupId groupId, RaftPeerId self) {
        this.server = server;
        this.groupId = groupId;
        this.self = self;
    }

    /** True while this node is the leader and has committed its term's first entry. */
    boolean leads() {
        try {
            DivisionInfo info = server.getDivision(groupId).getInfo();
            return info.isLeader() && info.isLeaderReady();
        } catch (IOException e) {
            return false;
        }
    }

    /** Replies with a NotLeaderException, without appending, when leadership was lost since {@link #leads()}. */
    CompletableFuture<RaftClientReply> submit(Message message) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(self)
                .setGroupId(groupId)
                .setCallId(callIds.incrementAndGet())
                .setMessage(message)
                .setType(RaftClientRequest.writeRequestType())
                .setTimeoutMs(RaftSettings.REQUEST_TIMEOUT.toLong(TimeUnit.MILLISECONDS))
                .build();
        try {
            return server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
