package io.sluice.quorum;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;

/**
 * Reads a {@link QuorumDescription} off a Ratis division. On the leader, Ratis lists its followers (voters and
 * listeners alike) in one order for both the role info (peer, time since its last reply) and the match indices, so
 * the two are paired by position; elsewhere only this node's own log end is known.
 */
final class RaftQuorumInspector {
    private final LongSupplier wallClockMs;

    RaftQuorumInspector(LongSupplier wallClockMs) {
        this.wallClockMs = wallClockMs;
    }

    private record Progress(long matchIndex, long lastReplyMs) {
    }

    QuorumDescription describe(RaftServer.Division division) {
        DivisionInfo info = division.getInfo();
        long now = wallClockMs.getAsLong();
        TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        long ownEnd = last == null ? -1L : last.getIndex();
        RaftPeerId self = division.getId();
        boolean leader = info.isLeader();
        Map<RaftPeerId, Progress> followers = leader ? followerProgress(info, now) : Map.of();
        RaftPeerId leaderId = info.getLeaderId();
        List<QuorumDescription.Replica> voters = replicas(division.getRaftConf().getCurrentPeers(RaftPeerRole.FOLLOWER),
                self, ownEnd, leader, followers, now);
        List<QuorumDescription.Replica> observers = replicas(
                division.getRaftConf().getCurrentPeers(RaftPeerRole.LISTENER), self, ownEnd, leader, followers, now);
        return new QuorumDescription(leaderId == null ? -1 : nodeId(leaderId), info.getCurrentTerm(),
                division.getRaftLog().getLastCommittedIndex(), voters, observers);
    }

    private static Map<RaftPeerId, Progress> followerProgress(DivisionInfo info, long now) {
        RoleInfoProto role = info.getRoleInfoProto();
        long[] matchIndices = info.getFollowerMatchIndices();
        Map<RaftPeerId, Progress> progress = new HashMap<>();
        if (role == null || !role.hasLeaderInfo() || matchIndices == null) {
            return progress;
        }
        List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
        // Followers added or removed between the two calls would misalign the pairs: then report none.
        if (followers.size() != matchIndices.length) {
            return progress;
        }
        for (int i = 0; i < followers.size(); i++) {
            ServerRpcProto follower = followers.get(i);
            progress.put(RaftPeerId.valueOf(follower.getId().getId()),
                    new Progress(matchIndices[i], now - follower.getLastRpcElapsedTimeMs()));
        }
        return progress;
    }

    private static List<QuorumDescription.Replica> replicas(Collection<RaftPeer> peers, RaftPeerId self, long ownEnd,
                                                            boolean leader, Map<RaftPeerId, Progress> followers,
                                                            long now) {
        List<QuorumDescription.Replica> replicas = new ArrayList<>(peers.size());
        for (RaftPeer peer : peers) {
            String host = null;
            int port = -1;
            String address = peer.getAddress();
            int colon = address == null ? -1 : address.lastIndexOf(':');
            if (colon > 0) {
                host = address.substring(0, colon);
                port = Integer.parseInt(address.substring(colon + 1));
            }
            int id = nodeId(peer.getId());
            if (peer.getId().equals(self)) {
                // Kafka reports the leader's fetch time as -1 and its caught-up time as now.
                replicas.add(new QuorumDescription.Replica(id, ownEnd, -1L, leader ? now : -1L, host, port));
                continue;
            }
            Progress progress = followers.get(peer.getId());
            if (progress == null) {
                replicas.add(new QuorumDescription.Replica(id, -1L, -1L, -1L, host, port));
            } else {
                long caughtUp = progress.matchIndex() >= ownEnd ? progress.lastReplyMs() : -1L;
                replicas.add(new QuorumDescription.Replica(id, progress.matchIndex(), progress.lastReplyMs(),
                        caughtUp, host, port));
            }
        }
        replicas.sort(java.util.Comparator.comparingInt(QuorumDescription.Replica::replicaId));
        return replicas;
    }

    private static int nodeId(RaftPeerId peer) {
        return Integer.parseInt(peer.toString());
    }
}
