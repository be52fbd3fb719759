package io.sluice.partition;

import io.sluice.broker.BrokerConnection;
import java.io.IOException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Fetch version 12 (topics by name) over a plain blocking {@link BrokerConnection}, one request in flight, as the
 * replica fetcher thread uses it.
 */
public final class SocketFetchTransport implements FetchTransport {
    private static final short FETCH_VERSION = 12;
    private static final int SOCKET_TIMEOUT_MS = 15_000;

    private final BrokerConnection connection;

    private SocketFetchTransport(BrokerConnection connection) {
        this.connection = connection;
    }

    /** The factory of real connections. */
    public static FetchTransport connect(int nodeId, String host, int port) throws IOException {
        return new SocketFetchTransport(BrokerConnection.connect("sluice-replica-" + nodeId, host, port,
                SOCKET_TIMEOUT_MS));
    }

    @Override
    public FetchResponseData fetch(FetchRequestData request) throws IOException {
        return connection.send(ApiKeys.FETCH, FETCH_VERSION, request, new FetchResponseData());
    }

    @Override
    public void close() {
        connection.close();
    }
}
