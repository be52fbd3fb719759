package io.sluice.quorum;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;

/**
 * A RaftClient built on first use, and rebuilt when Ratis closes it. A lone voter, or the active controller, may
 * never need one, and building the first client loads the gRPC client stack, which would otherwise delay every
 * start. When a leader dies, Ratis may close a client's ordered request window for good, failing every later
 * send on it with AlreadyClosedException; {@link #renew} swaps in a fresh client.
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

    /** Replaces {@code closed} if it is still the current client; a client already replaced is left alone. */
    synchronized boolean renew(RaftClient closed) {
        if (this.closed || client != closed) {
            return false;
        }
        client = null;
        try {
            closed.close();
        } catch (IOException | RuntimeException e) {
            // It is being discarded because it no longer works.
        }
        return true;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (client != null) {
            client.close();
        }
    }
}
