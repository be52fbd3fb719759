package io.sluice.quorum;

import io.sluice.config.QuorumVoter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Metadata quorum members started by one test, each in its own folder under the test's, closed together. */
final class QuorumNodes implements AutoCloseable {
    private final Path dir;
    private final List<RatisMetadataService> started = new ArrayList<>();

    QuorumNodes(Path dir) {
        this.dir = dir;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts node {@code nodeId}: a voter when it is in {@code voters}, else a listener. */
    RatisMetadataService start(int nodeId, List<QuorumVoter> voters, InetSocketAddress raft) {
        MetadataServiceConfig config = MetadataServiceConfig.singleNode(dir.resolve("node-" + nodeId), nodeId, 1,
                        (short) 1, configs -> { })
                .toBuilder().voters(voters).raftAddress(raft).startTimeout(Duration.ofSeconds(30)).build();
        RatisMetadataService service = RatisMetadataService.start(config);
        started.add(service);
        return service;
    }

    @Override
    public void close() {
        started.forEach(RatisMetadataService::close);
    }
}
