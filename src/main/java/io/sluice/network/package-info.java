/**
 * The Kafka listener: Netty channels, request framing, one {@link io.sluice.network.ConnectionHandler} per
 * client connection, and response serialisation with zero-copy record sets.
 *
 * <p>Threading rule, for this package and everything it calls: network threads only read frames, queue them and
 * write responses; handlers run on the request threads. A request whose answer comes later completes a future;
 * whichever thread completes it (another connection's request, a timer, replication) does nothing of this
 * connection's work: the connection is handed back to the request threads as a new task. Code that decides an
 * answer under a lock collects the futures to complete and completes them after releasing the lock.
 */
package io.sluice.network;
