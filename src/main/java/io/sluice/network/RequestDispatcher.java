package io.sluice.network;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * Turns one request frame (size prefix removed) into a response. Called on a request thread, one
 * request of a connection at a time; work that has to wait (long-poll fetch, metadata commits)
 * completes the future later instead of blocking. The frame buffer stays valid until the returned
 * future completes.
 */
public interface RequestDispatcher {
    CompletableFuture<Response> dispatch(ClientConnection connection, ByteBuffer frame);
}
