package io.sluice.network;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Turns one request frame (size prefix removed) into a response. Called on a network thread, so
 * it must not block: slow work continues on the dispatcher's own threads. The frame buffer stays
 * valid until the returned future completes.
 */
public interface RequestDispatcher {
    CompletableFuture<Response> dispatch(ClientConnection connection, ByteBuffer frame);
}
