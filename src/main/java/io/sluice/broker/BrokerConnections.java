package io.sluice.broker;

import io.sluice.metadata.BrokerImage;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * One {@link BrokerConnection} per other broker, opened on first use and dropped when a request on it fails, so the
 * next request reconnects (to the broker's current address). Threading: used by one thread at a time.
 */
public final class BrokerConnections implements AutoCloseable {
    private final String clientId;
    private final int timeoutMs;
    private final Map<Integer, BrokerConnection> open = new HashMap<>();

    public BrokerConnections(String clientId, int timeoutMs) {
        this.clientId = clientId;
        this.timeoutMs = timeoutMs;
    }

    /** Sends the request to the broker and reads its answer into {@code response}; a failure closes the connection. */
    public <R extends ApiMessage> R send(BrokerImage broker, ApiKeys api, short version, ApiMessage request,
                                         R response) throws IOException {
        try {
            BrokerConnection connection = open.get(broker.id());
            if (connection == null) {
                connection = BrokerConnection.connect(clientId, broker.host(), broker.port(), timeoutMs);
                open.put(broker.id(), connection);
            }
            return connection.send(api, version, request, response);
        } catch (IOException | RuntimeException e) {
            BrokerConnection broken = open.remove(broker.id());
            if (broken != null) {
                broken.close();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        open.values().forEach(BrokerConnection::close);
        open.clear();
    }
}
