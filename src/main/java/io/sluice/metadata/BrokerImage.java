package io.sluice.metadata;

/** A registered broker and the address clients should use. */
public record BrokerImage(int id, String host, int port, String rack, boolean fenced) {
}
