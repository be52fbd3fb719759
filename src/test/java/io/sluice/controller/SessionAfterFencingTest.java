package io.sluice.controller;

import static io.sluice.controller.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** A broker fenced for a lapsed session that registers again gets a fresh session on the active controller. */
class SessionAfterFencingTest {
    private static final long SESSION_MS = 3_000;

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InMemoryMetadataLog log = new InMemoryMetadataLog();
    /** The active controller; registrations of the restarted broker arrive through another node's controller. */
    private final QuorumController active = new QuorumController(log::image, log, 1, (short) 1, c -> { }, now::get,
            SESSION_MS, false);
    private final QuorumController other = new QuorumController(log::image, log, 1, (short) 1, c -> { }, now::get,
            SESSION_MS, false);

    @Test
    void aReRegisteredBrokerIsNotFencedAgainForItsOldSession() throws Exception {
        for (int broker = 1; broker <= 2; broker++) {
            get(other.registerBroker(broker, "h" + broker, 9000 + broker, null, Uuid.randomUuid()));
        }
        active.activate(1);
        now.addAndGet(SESSION_MS + 1);
        get(active.brokerHeartbeat(1, log.image().brokers().get(1).incarnationId()));
        assertThat(get(active.fenceExpiredBrokers())).containsExactly(2);

        // Broker 2's new process registers through its own node, shortly before its first heartbeat.
        now.addAndGet(SESSION_MS);
        get(active.brokerHeartbeat(1, log.image().brokers().get(1).incarnationId()));
        get(other.registerBroker(2, "h2", 9002, null, Uuid.randomUuid()));
        assertThat(log.image().brokers().get(2).fenced()).isFalse();

        assertThat(get(active.fenceExpiredBrokers())).isEmpty();
        assertThat(log.image().brokers().get(2).fenced()).isFalse();
        now.addAndGet(SESSION_MS + 1);
        get(active.brokerHeartbeat(1, log.image().brokers().get(1).incarnationId()));
        assertThat(get(active.fenceExpiredBrokers())).containsExactly(2);
    }
}
