package io.sluice.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Requests are handled one at a time, in arrival order, as a Kafka broker
 * does: responses therefore leave in request order, and an idempotent producer's pipelined
 * batches reach the log in sequence. Pipelined frames wait in a short queue; reading pauses while
 * it is full so a fast client cannot make the broker buffer without bound.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();
    private static final int PAUSE_READING_AT = 16;
    private static final int RESUME_READING_AT = 4;

    private final RequestDispatcher dispatcher;
    private final String listenerName;
    private final ArrayDeque<ByteBuf> queued = new ArrayDeque<>();
    private ClientConnection connection;
    private boolean handling;

    ConnectionHandler(RequestDispatcher dispatcher, String listenerName) {
        this.dispatcher = dispatcher;
        this.listenerName = listenerName;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection = new ClientConnection(listenerName + "-" + CONNECTION_IDS.incrementAndGet(), listenerName,
                ctx.channel().remoteAddress());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        queued.add((ByteBuf) msg);
        if (queued.size() >= PAUSE_READING_AT) {
            ctx.channel().config().setAutoRead(false);
        }
        if (!handling) {
            handleNext(ctx);
        }
    }

    private void handleNext(ChannelHandlerContext ctx) {
        ByteBuf frame = queued.poll();
        if (frame == null) {
            return;
        }
        if (queued.size() <= RESUME_READING_AT && ctx.channel().isActive() && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        handling = true;
        CompletableFuture<Response> result;
        try {
            result = dispatcher.dispatch(connection, frame.nioBuffer());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((response, error) -> {
            if (ctx.executor().inEventLoop()) {
                complete(ctx, frame, response, error);
            } else {
                ctx.executor().execute(() -> complete(ctx, frame, response, error));
            }
        });
    }

    private void complete(ChannelHandlerContext ctx, ByteBuf frame, Response response, Throwable error) {
        frame.release();
        handling = false;
        if (!ctx.channel().isActive()) {
            // Requests that arrived before the client went away are still carried out (an acks=0
            // producer closes right after writing); only their responses have nowhere to go.
            handleNext(ctx);
            return;
        }
        if (error != null) {
            log.error("Closing connection {} from {}: request handling failed", connection.id(), connection.remoteAddress(), error);
            ctx.close();
            return;
        }
        if (response instanceof Response.Send send) {
            List<Object> parts;
            try {
                parts = ResponseWriter.frame(ctx.alloc(), send);
            } catch (RuntimeException e) {
                log.error("Closing connection {} from {}: the {} response could not be written", connection.id(),
                        connection.remoteAddress(), send.body().getClass().getSimpleName(), e);
                ctx.close();
                return;
            }
            for (Object part : parts) {
                ctx.write(part, ctx.voidPromise());
            }
            ctx.flush();
        } else if (response instanceof Response.Close close) {
            log.warn("Closing connection {} from {}: {}", connection.id(), connection.remoteAddress(), close.reason());
            ctx.close();
            return;
        }
        handleNext(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!handling) {
            handleNext(ctx);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String from = connection == null ? String.valueOf(ctx.channel().remoteAddress()) : connection.remoteAddress().toString();
        if (cause instanceof TooLongFrameException || cause instanceof DecoderException) {
            log.warn("Closing connection from {}: invalid request frame ({})", from, cause.getMessage());
        } else if (cause instanceof IOException) {
            log.debug("Connection from {} failed: {}", from, cause.getMessage());
        } else {
            log.warn("Closing connection from {} after an unexpected error", from, cause);
        }
        ctx.close();
    }
}
