package io.sluice.network;

import java.net.SocketAddress;

/** What a request handler may know about the connection it came on; nothing Netty-specific. */
public record ClientConnection(String id, String listenerName, SocketAddress remoteAddress) {
}
