package io.sluice.server;

import io.sluice.config.BrokerConfig;

/**
 * A running broker: metadata, logs, and the Kafka listener. CONTRACT STUB: implemented by the
 * network/protocol work.
 */
public final class SluiceServer implements AutoCloseable {
    /** Starts every component; returns once the listener accepts connections. */
    public static SluiceServer start(BrokerConfig config) { throw new UnsupportedOperationException(); }

    /** The port the first listener is bound to (the real one when configured with port 0). */
    public int boundPort() { throw new UnsupportedOperationException(); }

    /** Blocks until {@link #close()} has run (e.g. from a shutdown hook). */
    public void awaitShutdown() throws InterruptedException { throw new UnsupportedOperationException(); }

    /** Clean shutdown: stops accepting, flushes logs, writes checkpoints and the clean-shutdown marker. */
    @Override public void close() { throw new UnsupportedOperationException(); }
}
