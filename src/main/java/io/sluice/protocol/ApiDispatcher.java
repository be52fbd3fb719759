package io.sluice.protocol;

import io.sluice.util.Futures;
import io.sluice.network.ClientConnection;
import io.sluice.network.RequestDispatcher;
import io.sluice.network.Response;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a frame into header and request, checks the API and version against the registry and
 * runs its handler on the calling request thread. Unreadable requests close the connection, as Kafka
 * does; an ApiVersions request of a newer version than ours gets a v0 answer listing what we support,
 * so the client can downgrade.
 */
public final class ApiDispatcher implements RequestDispatcher {
    private static final Logger log = LoggerFactory.getLogger(ApiDispatcher.class);

    private final ApiRegistry registry;

    public ApiDispatcher(ApiRegistry registry) {
        this.registry = registry;
    }

    @Override
    public CompletableFuture<Response> dispatch(ClientConnection connection, ByteBuffer frame) {
        if (frame.remaining() < 8) {
            return close("request frame of " + frame.remaining() + " bytes is shorter than a request header");
        }
        short apiKeyId = frame.getShort(frame.position());
        short version = frame.getShort(frame.position() + 2);
        if (!ApiKeys.hasId(apiKeyId)) {
            return close("unknown API key " + apiKeyId);
        }
        ApiKeys apiKey = ApiKeys.forId(apiKeyId);
        ApiRegistry.Entry entry = registry.get(apiKey);
        if (entry == null) {
            return close("API " + apiKey + " is not supported by this broker");
        }
        if (!entry.supports(version)) {
            if (apiKey == ApiKeys.API_VERSIONS) {
                int correlationId = frame.getInt(frame.position() + 4);
                return CompletableFuture.completedFuture(unsupportedApiVersions(correlationId));
            }
            return close(apiKey + " version " + version + " is not supported (supported: "
                    + entry.minVersion() + "-" + entry.maxVersion() + ")");
        }

        RequestHeader header;
        AbstractRequest request;
        try {
            ByteBuffer buffer = frame.duplicate();
            header = RequestHeader.parse(buffer);
            request = AbstractRequest.parseRequest(apiKey, version, new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            return close("malformed " + apiKey + " v" + version + " request: " + e.getMessage());
        }
        RequestContext context = new RequestContext(header, connection);
        return invoke(entry, context, request).handle((body, error) -> respond(context, request, body, error));
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<? extends ApiMessage> invoke(ApiRegistry.Entry entry, RequestContext context,
                                                                  AbstractRequest request) {
        try {
            return ((ApiHandler<AbstractRequest>) entry.handler()).handle(context, request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Response respond(RequestContext context, AbstractRequest request, ApiMessage body, Throwable error) {
        RequestHeader header = context.header();
        if (error != null) {
            Throwable cause = Futures.unwrap(error);
            if (!(cause instanceof ApiException)) {
                log.error("Unexpected error handling {} from {} (client {})", header.apiKey(),
                        context.connection().remoteAddress(), header.clientId(), cause);
            }
            body = request.getErrorResponse(0, cause).data();
        }
        if (body == null) {
            return Response.NONE;
        }
        return send(header.correlationId(), header.apiKey().responseHeaderVersion(header.apiVersion()), body,
                header.apiVersion());
    }

    private Response unsupportedApiVersions(int correlationId) {
        ApiVersionsResponseData body = new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(ApiVersionsHandler.advertised(registry));
        return send(correlationId, (short) 0, body, (short) 0);
    }

    private static Response send(int correlationId, short headerVersion, ApiMessage body, short version) {
        return new Response.Send(new ResponseHeaderData().setCorrelationId(correlationId), headerVersion, body, version);
    }

    private static CompletableFuture<Response> close(String reason) {
        return CompletableFuture.completedFuture(new Response.Close(reason));
    }
}
