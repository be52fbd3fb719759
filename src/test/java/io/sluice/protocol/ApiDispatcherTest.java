package io.sluice.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.network.ClientConnection;
import io.sluice.network.Response;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

class ApiDispatcherTest {
    private final ApiRegistry registry = new ApiRegistry();
    private final ApiDispatcher dispatcher = new ApiDispatcher(registry);
    private final ClientConnection connection = new ClientConnection("c-1", "PLAINTEXT", new InetSocketAddress(1));

    ApiDispatcherTest() {
        registry.register(ApiKeys.API_VERSIONS, 0, 4, new ApiVersionsHandler(registry));
    }

    @Test
    void apiVersionsAdvertisesExactlyTheRegisteredApis() {
        Response response = dispatcher.dispatch(connection, apiVersionsRequest((short) 3)).join();

        ApiVersionsResponseData body = (ApiVersionsResponseData) ((Response.Send) response).body();
        assertThat(body.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(body.apiKeys()).hasSize(1);
        assertThat(body.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion()).isEqualTo((short) 4);
    }

    @Test
    void tooNewApiVersionsRequestGetsAVersionZeroAnswerSoTheClientCanDowngrade() {
        ByteBuffer frame = ByteBuffer.allocate(10);
        frame.putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(5).putShort((short) -1).flip();

        Response.Send send = (Response.Send) dispatcher.dispatch(connection, frame).join();

        assertThat(send.bodyVersion()).isZero();
        assertThat(send.headerVersion()).isZero();
        assertThat(send.header().correlationId()).isEqualTo(5);
        assertThat(((ApiVersionsResponseData) send.body()).errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
    }

    @Test
    void unknownApiKeyClosesTheConnection() {
        ByteBuffer frame = ByteBuffer.allocate(10);
        frame.putShort((short) 999).putShort((short) 0).putInt(1).putShort((short) -1).flip();

        assertThat(dispatcher.dispatch(connection, frame).join()).isInstanceOf(Response.Close.class);
    }

    @Test
    void unregisteredApiClosesTheConnection() {
        ByteBuffer frame = ByteBuffer.allocate(10);
        frame.putShort(ApiKeys.PRODUCE.id).putShort((short) 9).putInt(1).putShort((short) -1).flip();

        assertThat(dispatcher.dispatch(connection, frame).join()).isInstanceOf(Response.Close.class);
    }

    @Test
    void truncatedFrameClosesTheConnection() {
        assertThat(dispatcher.dispatch(connection, ByteBuffer.wrap(new byte[]{0, 18, 0})).join())
                .isInstanceOf(Response.Close.class);
        ByteBuffer garbage = apiVersionsRequest((short) 3);
        garbage.limit(garbage.limit() - 5);
        assertThat(dispatcher.dispatch(connection, garbage).join()).isInstanceOf(Response.Close.class);
    }

    private static ByteBuffer apiVersionsRequest(short version) {
        RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, version, "test", 11);
        ApiVersionsRequestData body = new ApiVersionsRequestData().setClientSoftwareName("test").setClientSoftwareVersion("1");
        ByteBuffer headerBytes = MessageUtil.toByteBufferAccessor(header.data(), header.headerVersion()).buffer();
        ByteBuffer bodyBytes = MessageUtil.toByteBufferAccessor(body, version).buffer();
        ByteBuffer frame = ByteBuffer.allocate(headerBytes.remaining() + bodyBytes.remaining());
        frame.put(headerBytes).put(bodyBytes).flip();
        return frame;
    }
}
