package io.sluice.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Requests are handled one at a time, in arrival order, as a Kafka broker
 * does: responses therefore leave in request order, and an idempotent producer's pipelined
 * batches reach the log in sequence.
 *
 * <p>The network thread only queues frames. A request thread takes the connection's queue and
 * works through it: when a request finishes, the same thread serialises the response, hands the
 * bytes to the network thread and goes on with the next queued request, so a pipelining client
 * costs no thread hand-off per request. A request that finishes later (long-poll fetch, metadata
 * commit, acks=all) resumes the queue as a new task on the request threads, never inline on the
 * thread that completed it: that thread may be serving another connection or hold a lock, and this
 * connection's next requests must not run under it. Reading pauses while the queue is long, so a
 * fast client cannot make the broker buffer without bound.
 *
 * <p>Threading: the network thread only queues frames and writes; at most one request thread at a
 * time (the holder of {@code handling}) dispatches this connection's requests.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();
    private static final int PAUSE_READING_AT = 16;
    private static final int RESUME_READING_AT = 4;

    private final RequestDispatcher dispatcher;
    private final Executor requestThreads;
    private final String listenerName;
    private final Queue<ByteBuf> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedCount = new AtomicInteger();
    /** Held by the one thread that works through the queue; nobody else dispatches. */
    private final AtomicBoolean handling = new AtomicBoolean();
    private volatile boolean closing;
    private volatile Channel channel;
    private volatile ClientConnection connection;

    ConnectionHandler(RequestDispatcher dispatcher, Executor requestThreads, String listenerName) {
        this.dispatcher = dispatcher;
        this.requestThreads = requestThreads;
        this.listenerName = listenerName;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        connection = new ClientConnection(listenerName + "-" + CONNECTION_IDS.incrementAndGet(), listenerName,
                ctx.channel().remoteAddress());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        queued.add((ByteBuf) msg);
        if (queuedCount.incrementAndGet() >= PAUSE_READING_AT) {
            ctx.channel().config().setAutoRead(false);
        }
        resume();
    }

    /** Starts working through the queue on a request thread unless a thread already is. */
    private void resume() {
        if (handling.compareAndSet(false, true)) {
            requestThreads.execute(this::handleQueued);
        }
    }

    /** Runs on a request thread holding {@link #handling}; returns once it has let go of it. */
    private void handleQueued() {
        while (true) {
            ByteBuf frame = queued.poll();
            if (frame == null) {
                handling.set(false);
                // A frame queued after the poll but before the release would otherwise wait for the next read.
                if (queued.isEmpty() || !handling.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            if (queuedCount.decrementAndGet() <= RESUME_READING_AT && !channel.config().isAutoRead()) {
                channel.config().setAutoRead(true);
            }
            if (closing) {
                frame.release();
                continue;
            }
            CompletableFuture<Response> result;
            try {
                result = dispatcher.dispatch(connection, frame.nioBuffer());
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
            }
            if (!result.isDone()) {
                // Whoever completes the future (another connection's request, a timer, a replication thread)
                // may hold locks of its own: this connection's work goes back to the request threads.
                result.whenComplete((response, error) -> requestThreads.execute(() -> {
                    complete(frame, response, error);
                    handleQueued();
                }));
                return;
            }
            // getNow would throw for a failed request and end this loop still holding the queue.
            if (result.isCompletedExceptionally()) {
                complete(frame, null, failure(result));
            } else {
                complete(frame, result.getNow(null), null);
            }
        }
    }

    private static Throwable failure(CompletableFuture<Response> result) {
        try {
            result.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    private void complete(ByteBuf frame, Response response, Throwable error) {
        frame.release();
        // Requests that arrived before the client went away are still carried out (an acks=0
        // producer closes right after writing); only their responses have nowhere to go.
        if (error != null) {
            log.error("Closing connection {} from {}: request handling failed", connection.id(), connection.remoteAddress(), error);
            close();
        } else if (response instanceof Response.Close close) {
            log.warn("Closing connection {} from {}: {}", connection.id(), connection.remoteAddress(), close.reason());
            close();
        } else if (response instanceof Response.Send send && channel.isActive()) {
            write(send);
        }
    }

    private void write(Response.Send send) {
        List<Object> parts;
        try {
            parts = ResponseWriter.frame(channel.alloc(), send);
        } catch (RuntimeException e) {
            log.error("Closing connection {} from {}: the {} response could not be written", connection.id(),
                    connection.remoteAddress(), send.body().getClass().getSimpleName(), e);
            close();
            return;
        }
        channel.eventLoop().execute(() -> {
            if (!channel.isActive()) {
                parts.forEach(ReferenceCountUtil::release);
                return;
            }
            for (Object part : parts) {
                channel.write(part, channel.voidPromise());
            }
            channel.flush();
        });
    }

    private void close() {
        closing = true;
        channel.close();
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
        closing = true;
        ctx.close();
    }
}
