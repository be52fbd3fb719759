package io.sluice.partition;

import java.io.IOException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;

/**
 * One connection from a follower to a leader broker, carrying Fetch round trips. {@link SocketFetchTransport} is the
 * real one; tests give {@link ReplicaFetcher} a scripted one. Used by one fetcher thread; {@link #close} may come
 * from another thread and unblocks a fetch in progress.
 */
public interface FetchTransport extends AutoCloseable {
    FetchResponseData fetch(FetchRequestData request) throws IOException;

    @Override
    void close();

    /** Opens connections to leaders, on behalf of follower {@code nodeId}. */
    @FunctionalInterface
    interface Factory {
        FetchTransport connect(int nodeId, String host, int port) throws IOException;
    }
}
