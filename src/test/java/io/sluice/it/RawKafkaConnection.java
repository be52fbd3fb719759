package io.sluice.it;

import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.MemoryRecords;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A blocking, one-request-at-a-time Kafka protocol connection over a plain socket, for tests that must send what
 * the Java client never would (duplicate batches, corrupt frames, unsupported versions). Uses the generated message
 * classes of kafka-clients for encoding and decoding.
 */
public final class RawKafkaConnection implements AutoCloseable {
    private static final int READ_TIMEOUT_MS = 15_000;
    private static final String CLIENT_ID = "sluice-it-raw";

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Map<ApiKeys, ApiVersionsResponseData.ApiVersion> brokerVersions = new EnumMap<>(ApiKeys.class);
    private int nextCorrelationId = 1;

    private RawKafkaConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawKafkaConnection open(int port) {
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(BrokerProps.HOST, port), 5_000);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            return new RawKafkaConnection(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request at the given version and returns the decoded response body. */
    @SuppressWarnings("unchecked")
    public <R extends ApiMessage> R send(ApiMessage request, short version) {
        ApiKeys api = ApiKeys.forId(request.apiKey());
        int correlationId = nextCorrelationId++;
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(api.id)
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId(CLIENT_ID);
        writeFrame(encode(header, api.requestHeaderVersion(version), request, version));
        ByteBuffer response = readFrame();
        ResponseHeaderData responseHeader = new ResponseHeaderData(new ByteBufferAccessor(response), api.responseHeaderVersion(version));
        if (responseHeader.correlationId() != correlationId) {
            throw new AssertionError("correlation id " + responseHeader.correlationId() + " != " + correlationId);
        }
        ApiMessage body = ApiMessageType.fromApiKey(api.id).newResponse();
        body.read(new ByteBufferAccessor(response), version);
        return (R) body;
    }

    /**
     * The version to use for an API: the highest both the broker and {@code highestWanted} allow. Fails when the
     * broker does not offer the API in that range.
     */
    public short version(ApiKeys api, short highestWanted) {
        if (brokerVersions.isEmpty()) {
            ApiVersionsResponseData response = send(new ApiVersionsRequestData()
                    .setClientSoftwareName("sluice-it").setClientSoftwareVersion("1.0"), (short) 3);
            if (response.errorCode() != 0) {
                throw new AssertionError("ApiVersions failed with error " + response.errorCode());
            }
            response.apiKeys().forEach(v -> {
                if (ApiKeys.hasId(v.apiKey())) {
                    brokerVersions.put(ApiKeys.forId(v.apiKey()), v.duplicate());
                }
            });
        }
        ApiVersionsResponseData.ApiVersion offered = brokerVersions.get(api);
        if (offered == null) {
            throw new AssertionError("broker does not offer " + api);
        }
        short version = (short) Math.min(highestWanted, offered.maxVersion());
        if (version < offered.minVersion() || version < api.oldestVersion()) {
            throw new AssertionError("no common version for " + api + ": broker offers " + offered);
        }
        return version;
    }

    /** Produces one batch to one partition with acks=all and returns that partition's response. */
    public ProduceResponseData.PartitionProduceResponse produce(String topic, int partition, MemoryRecords records) {
        ProduceResponseData response = send(produceRequest(topic, partition, records, (short) -1), produceVersion());
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    /** Produces one batch with acks=all as a transactional producer with the given id would. */
    public ProduceResponseData.PartitionProduceResponse produceTransactional(String transactionalId, String topic,
                                                                             int partition, MemoryRecords records) {
        ProduceResponseData response = send(produceRequest(topic, partition, records, (short) -1)
                .setTransactionalId(transactionalId), version(ApiKeys.PRODUCE, (short) 11));
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    /** Produces one batch with acks=0: the broker sends no response, so nothing is read. */
    public void produceWithoutAcks(String topic, int partition, MemoryRecords records) {
        short version = produceVersion();
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(ApiKeys.PRODUCE.id)
                .setRequestApiVersion(version)
                .setCorrelationId(nextCorrelationId++)
                .setClientId(CLIENT_ID);
        writeFrame(encode(header, ApiKeys.PRODUCE.requestHeaderVersion(version),
                produceRequest(topic, partition, records, (short) 0), version));
    }

    /** Version 13 names topics by id; stay on names. */
    private short produceVersion() {
        return version(ApiKeys.PRODUCE, (short) 12);
    }

    private static ProduceRequestData produceRequest(String topic, int partition, MemoryRecords records, short acks) {
        return new ProduceRequestData()
                .setAcks(acks)
                .setTimeoutMs(10_000)
                .setTopicData(new ProduceRequestData.TopicProduceDataCollection(List.of(
                        new ProduceRequestData.TopicProduceData()
                                .setName(topic)
                                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData()
                                        .setIndex(partition)
                                        .setRecords(records)))).iterator()));
    }

    /** Encodes a size-prefixed frame: header followed by body, each at its own version. */
    public static byte[] encode(Message header, short headerVersion, Message body, short bodyVersion) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, bodyVersion);
        ByteBuffer buffer = ByteBuffer.allocate(4 + size);
        buffer.putInt(size);
        ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        header.write(accessor, cache, headerVersion);
        body.write(accessor, cache, bodyVersion);
        return buffer.array();
    }

    /** Writes bytes as they are: the caller decides whether they form a valid frame. */
    public void writeFrame(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one size-prefixed response frame and returns its content (without the size). */
    public ByteBuffer readFrame() {
        try {
            int size = in.readInt();
            byte[] frame = new byte[size];
            in.readFully(frame);
            return ByteBuffer.wrap(frame);
        } catch (IOException e) {
            throw new UncheckedIOException("no response from broker", e);
        }
    }

    /** Whether the broker closed (or reset) the connection within the timeout, discarding anything it sent. */
    public boolean closedByBrokerWithin(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] sink = new byte[4096];
        try {
            socket.setSoTimeout(100);
            while (System.nanoTime() - deadline < 0) {
                try {
                    if (in.read(sink) < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException stillOpen) {
                    // Nothing yet; keep waiting until the deadline.
                }
            }
            return false;
        } catch (EOFException e) {
            return true;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is best effort; the broker may already have dropped the connection.
        }
    }
}
