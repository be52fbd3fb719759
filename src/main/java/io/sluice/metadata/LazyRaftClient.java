package io.sluice.metadata;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;

/**
 * A RaftClient built on first use. A lone voter, or the active controller, may never need one, and building the
 * first client loads the gRPC client stack, which would otherwise delay every start.
 */
final class LazyRaftClient implements Supplier<RaftClient>, AutoCloseable {
    private final Supplier<RaftClient> builder;
    private RaftClient client;
    private boolean closed;

    LazyRaftClient(Supplier<RaftClient> builder) {
        this.builder = builder;
    }

    @Override
    public synchronized RaftClient get() {
        if (closed) {
            throw new IllegalStateException("The metadata Raft client is closed");
        }
        if (client == null) {
            client = builder.get();
        }
        return client;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (client != null) {
            client.close();
        }
    }
}
