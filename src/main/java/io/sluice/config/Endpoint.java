package io.sluice.config;

/** One listener: name (PLAINTEXT), host and port. */
public record Endpoint(String listenerName, String host, int port) {
}
