package io.sluice.broker;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * One plain blocking connection from this broker to another, one request in flight: what a replica fetcher or the
 * transaction marker sender uses to talk to a partition leader. Threading: used by one thread at a time.
 */
public final class BrokerConnection implements AutoCloseable {
    private final Socket socket;
    private final String clientId;
    private int correlationId;

    private BrokerConnection(Socket socket, String clientId) {
        this.socket = socket;
        this.clientId = clientId;
    }

    /** Connects, failing after timeoutMs; reads time out after timeoutMs too. */
    public static BrokerConnection connect(String clientId, String host, int port, int timeoutMs) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            socket.setSoTimeout(timeoutMs);
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new BrokerConnection(socket, clientId);
    }

    /** Sends the request at the version and reads its answer into {@code response}, which it returns. */
    public <R extends ApiMessage> R send(ApiKeys api, short version, ApiMessage request, R response) throws IOException {
        int id = ++correlationId;
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id)
                .setRequestApiVersion(version).setCorrelationId(id).setClientId(clientId);
        short headerVersion = api.requestHeaderVersion(version);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + request.size(cache, version);
        ByteBuffer frame = ByteBuffer.allocate(4 + size);
        frame.putInt(size);
        ByteBufferAccessor writer = new ByteBufferAccessor(frame);
        header.write(writer, cache, headerVersion);
        request.write(writer, cache, version);
        OutputStream out = socket.getOutputStream();
        out.write(frame.array());
        out.flush();

        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        ByteBufferAccessor reader = new ByteBufferAccessor(ByteBuffer.wrap(body));
        ResponseHeaderData responseHeader = new ResponseHeaderData(reader, api.responseHeaderVersion(version));
        if (responseHeader.correlationId() != id) {
            throw new IOException("Response correlation id " + responseHeader.correlationId() + " != " + id);
        }
        response.read(reader, version);
        return response;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a broken connection; nothing more to do.
        }
    }
}
