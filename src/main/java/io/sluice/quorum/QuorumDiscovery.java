package io.sluice.quorum;

import io.sluice.config.QuorumVoter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the voters of the metadata quorum from controller.quorum.bootstrap.servers (KIP-853's name): asks a
 * member's Raft endpoint which groups it hosts and then for the current configuration of the one metadata group.
 * Ratis answers both admin calls without checking the addressed peer id, so the caller needs no node id either.
 * The endpoints are tried in turn, round after round, until one answers or the deadline passes.
 */
public final class QuorumDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(QuorumDiscovery.class);
    /** Any id will do: the endpoint is reached by address, and the admin calls ignore the target id. */
    private static final RaftPeerId CONTACT = RaftPeerId.valueOf("bootstrap");
    private static final long PAUSE_BETWEEN_ROUNDS_MS = 200;

    private QuorumDiscovery() {
    }

    /**
     * The quorum's voters in node id order, as the first endpoint that answers knows them.
     *
     * @throws IllegalStateException when no endpoint answered with exactly one metadata group before the timeout
     */
    public static List<QuorumVoter> discover(List<InetSocketAddress> bootstrapServers, Duration timeout) {
        if (bootstrapServers.isEmpty()) {
            throw new IllegalArgumentException("No bootstrap servers to ask for the quorum voters");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            for (InetSocketAddress server : bootstrapServers) {
                try {
                    List<QuorumVoter> voters = ask(server);
                    LOG.info("Quorum voters {} learned from bootstrap server {}:{}", voters, server.getHostString(),
                            server.getPort());
                    return voters;
                } catch (IOException | RuntimeException e) {
                    last = e;
                    LOG.debug("Bootstrap server {}:{} did not name the voters: {}", server.getHostString(),
                            server.getPort(), e.toString());
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("None of the bootstrap servers " + describe(bootstrapServers)
                        + " named the metadata quorum voters within " + timeout.toMillis() + " ms", last);
            }
            try {
                Thread.sleep(PAUSE_BETWEEN_ROUNDS_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while asking the bootstrap servers for the voters", e);
            }
        }
    }

    private static List<QuorumVoter> ask(InetSocketAddress server) throws IOException {
        RaftPeer contact = RaftPeer.newBuilder().setId(CONTACT)
                .setAddress(server.getHostString() + ":" + server.getPort()).build();
        try (RaftClient client = RaftClient.newBuilder()
                .setRaftGroup(RaftGroup.valueOf(RaftGroupId.randomId(), contact))
                .setProperties(RaftSettings.client())
                .setRetryPolicy(RetryPolicies.noRetry())
                .build()) {
            List<RaftGroupId> groups = client.getGroupManagementApi(CONTACT).list().getGroupIds();
            if (groups.size() != 1) {
                throw new IOException("Expected the one metadata group, found " + groups);
            }
            GroupInfoReply info = client.getGroupManagementApi(CONTACT).info(groups.get(0));
            RaftConfigurationProto conf = info.getConf()
                    .orElseThrow(() -> new IOException("No Raft configuration in the answer"));
            List<QuorumVoter> voters = voters(conf);
            // The cluster id, and with it the group id, derives from the voters: a mismatch means another cluster.
            RaftGroupId expected = RatisMetadataService.groupId(RatisMetadataService.sharedClusterId(voters));
            if (!expected.equals(groups.get(0))) {
                throw new IOException("Group " + groups.get(0) + " of voters " + voters + " is not the group "
                        + expected + " derived from them");
            }
            return voters;
        }
    }

    static List<QuorumVoter> voters(RaftConfigurationProto conf) throws IOException {
        List<QuorumVoter> voters = new ArrayList<>();
        for (RaftPeerProto peer : conf.getPeersList()) {
            String id = peer.getId().toStringUtf8();
            String address = peer.getAddress();
            int colon = address.lastIndexOf(':');
            try {
                voters.add(new QuorumVoter(Integer.parseInt(id), address.substring(0, colon),
                        Integer.parseInt(address.substring(colon + 1))));
            } catch (RuntimeException e) {
                throw new IOException("Voter '" + id + "' at '" + address + "' is not a Sluice node", e);
            }
        }
        if (voters.isEmpty()) {
            throw new IOException("The Raft configuration has no voters");
        }
        voters.sort(Comparator.comparingInt(QuorumVoter::nodeId));
        return List.copyOf(voters);
    }

    private static String describe(List<InetSocketAddress> servers) {
        return servers.stream().map(s -> s.getHostString() + ":" + s.getPort()).toList().toString();
    }
}
