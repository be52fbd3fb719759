package io.sluice.partition;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * Fetch version 12 (topics by name) over a plain blocking socket, one request in flight, as the replica fetcher
 * thread uses it.
 */
public final class SocketFetchTransport implements FetchTransport {
    private static final short FETCH_VERSION = 12;
    private static final int SOCKET_TIMEOUT_MS = 15_000;

    private final Socket socket;
    private final String clientId;
    private int correlationId;

    private SocketFetchTransport(Socket socket, int nodeId) {
        this.socket = socket;
        this.clientId = "sluice-replica-" + nodeId;
    }

    /** The factory of real connections. */
    public static FetchTransport connect(int nodeId, String host, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), SOCKET_TIMEOUT_MS);
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new SocketFetchTransport(socket, nodeId);
    }

    @Override
    public FetchResponseData fetch(FetchRequestData request) throws IOException {
        int id = ++correlationId;
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.FETCH.id)
                .setRequestApiVersion(FETCH_VERSION).setCorrelationId(id).setClientId(clientId);
        short headerVersion = ApiKeys.FETCH.requestHeaderVersion(FETCH_VERSION);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + request.size(cache, FETCH_VERSION);
        ByteBuffer frame = ByteBuffer.allocate(4 + size);
        frame.putInt(size);
        ByteBufferAccessor writer = new ByteBufferAccessor(frame);
        header.write(writer, cache, headerVersion);
        request.write(writer, cache, FETCH_VERSION);
        OutputStream out = socket.getOutputStream();
        out.write(frame.array());
        out.flush();

        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        ByteBufferAccessor reader = new ByteBufferAccessor(ByteBuffer.wrap(body));
        ResponseHeaderData responseHeader = new ResponseHeaderData(reader, ApiKeys.FETCH.responseHeaderVersion(FETCH_VERSION));
        if (responseHeader.correlationId() != id) {
            throw new IOException("Response correlation id " + responseHeader.correlationId() + " != " + id);
        }
        FetchResponseData response = new FetchResponseData();
        response.read(reader, FETCH_VERSION);
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
