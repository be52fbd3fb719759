package io.sluice.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.junit.jupiter.api.Test;

/**
 * The connection's request queue on an embedded channel (no sockets) with request threads the test runs by hand:
 * one request at a time in arrival order, responses in request order, reading paused while the queue is long, and
 * a request finished by another thread resumed as a request-thread task, never inline on the finishing thread.
 */
class ConnectionHandlerTest {
    /** Request threads that run only when the test says so. */
    private static final class ManualExecutor implements Executor {
        final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    /** Answers each request (a frame holding its correlation id) with a future the test can hold back. */
    private static final class ScriptedDispatcher implements RequestDispatcher {
        final List<Integer> dispatched = new ArrayList<>();
        final List<Integer> heldBack = new ArrayList<>();
        final Map<Integer, CompletableFuture<Void>> gates = new HashMap<>();

        @Override
        public CompletableFuture<Response> dispatch(ClientConnection connection, ByteBuffer frame) {
            int correlationId = frame.getInt(frame.position());
            dispatched.add(correlationId);
            Response response = new Response.Send(new ResponseHeaderData().setCorrelationId(correlationId), (short) 0,
                    new ApiVersionsResponseData(), (short) 0);
            if (heldBack.contains(correlationId)) {
                return gates.computeIfAbsent(correlationId, id -> new CompletableFuture<>()).thenApply(done -> response);
            }
            return CompletableFuture.completedFuture(response);
        }

        /** Completes the held-back request with this correlation id, on the calling thread. */
        void release(int correlationId) {
            gates.get(correlationId).complete(null);
        }
    }

    private final ManualExecutor requestThreads = new ManualExecutor();
    private final ScriptedDispatcher dispatcher = new ScriptedDispatcher();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ConnectionHandler(dispatcher, requestThreads, "PLAINTEXT"));

    private void receive(int... correlationIds) {
        for (int id : correlationIds) {
            channel.writeInbound(Unpooled.buffer(4).writeInt(id));
        }
    }

    /** Correlation ids of the response frames written so far. */
    private List<Integer> written() {
        channel.runPendingTasks();
        List<Integer> ids = new ArrayList<>();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            ByteBuf frame = (ByteBuf) out;
            ids.add(frame.getInt(frame.readerIndex() + 4));
            frame.release();
        }
        return ids;
    }

    @Test
    void pipelinedRequestsAreHandledOneAtATimeAndAnsweredInOrderOnTheRequestThreads() {
        receive(1, 2, 3);
        assertThat(dispatcher.dispatched).as("the network thread only queues").isEmpty();

        requestThreads.runAll();

        assertThat(dispatcher.dispatched).containsExactly(1, 2, 3);
        assertThat(written()).containsExactly(1, 2, 3);
    }

    @Test
    void aRequestWaitingForItsAnswerHoldsBackTheNextOnesAndResumesOnARequestThread() {
        dispatcher.heldBack.add(1);
        receive(1, 2);
        requestThreads.runAll();
        assertThat(dispatcher.dispatched).containsExactly(1);
        assertThat(written()).isEmpty();

        dispatcher.release(1);

        assertThat(dispatcher.dispatched).as("nothing of this connection ran on the completing thread")
                .containsExactly(1);
        assertThat(written()).isEmpty();
        assertThat(requestThreads.tasks).hasSize(1);

        requestThreads.runAll();

        assertThat(dispatcher.dispatched).containsExactly(1, 2);
        assertThat(written()).containsExactly(1, 2);
    }

    @Test
    void readingPausesWhileTheQueueIsLongAndResumesOnceItDrains() {
        dispatcher.heldBack.add(0);
        receive(0);
        requestThreads.runAll();
        for (int id = 1; id <= 16; id++) {
            receive(id);
        }
        assertThat(channel.config().isAutoRead()).as("16 requests queued behind a waiting one").isFalse();

        dispatcher.release(0);
        requestThreads.runAll();

        assertThat(channel.config().isAutoRead()).isTrue();
        List<Integer> expected = new ArrayList<>();
        for (int id = 0; id <= 16; id++) {
            expected.add(id);
        }
        assertThat(written()).containsExactlyElementsOf(expected);
    }

    @Test
    void aFailedRequestClosesTheConnectionAndLaterRequestsAreNotAnswered() {
        RequestDispatcher failing = (connection, frame) -> CompletableFuture.failedFuture(new IllegalStateException("bug"));
        EmbeddedChannel failingChannel = new EmbeddedChannel(new ConnectionHandler(failing, requestThreads, "PLAINTEXT"));
        failingChannel.writeInbound(Unpooled.buffer(4).writeInt(1));
        failingChannel.writeInbound(Unpooled.buffer(4).writeInt(2));

        requestThreads.runAll();
        failingChannel.runPendingTasks();

        assertThat(failingChannel.isOpen()).isFalse();
        assertThat((Object) failingChannel.readOutbound()).isNull();
    }
}
