package io.sluice.cluster;

import io.sluice.controller.Controller;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's membership in the cluster: it registers with a fresh incarnation id, heartbeats to the active
 * controller at a fixed interval (registering again when the controller does not know this incarnation), and on
 * a clean stop asks for a controlled shutdown so its leaderships move before it goes away.
 */
public final class BrokerLifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLifecycle.class);

    private final Controller controller;
    private final int brokerId;
    private final String host;
    private final int port;
    private final String rack;
    private final Uuid incarnationId = Uuid.randomUuid();
    private final ScheduledExecutorService timer;
    private final Duration heartbeatInterval;
    private final Duration shutdownTimeout;
    private final AtomicBoolean heartbeatInFlight = new AtomicBoolean();
    private volatile boolean stopping;
    private ScheduledFuture<?> heartbeats;

    public BrokerLifecycle(Controller controller, int brokerId, String host, int port, String rack,
                           ScheduledExecutorService timer, Duration heartbeatInterval, Duration shutdownTimeout) {
        this.controller = Objects.requireNonNull(controller, "controller");
        this.brokerId = brokerId;
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.rack = rack;
        this.timer = Objects.requireNonNull(timer, "timer");
        this.heartbeatInterval = heartbeatInterval;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** The interval for a session timeout: a third of it, at most one second, so two lost beats are survivable. */
    public static Duration heartbeatIntervalFor(long sessionTimeoutMs) {
        return Duration.ofMillis(Math.max(50, Math.min(1_000, sessionTimeoutMs / 3)));
    }

    public Uuid incarnationId() {
        return incarnationId;
    }

    /** Registers (waiting up to {@code timeout}), then starts heartbeating. */
    public synchronized void start(Duration timeout) {
        try {
            register().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while registering broker " + brokerId, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Broker " + brokerId + " could not register with the controller",
                    e.getCause() != null ? e.getCause() : e);
        }
        long everyMs = heartbeatInterval.toMillis();
        heartbeats = timer.scheduleWithFixedDelay(this::heartbeat, everyMs, everyMs, TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Void> register() {
        return controller.registerBroker(brokerId, host, port, rack, incarnationId);
    }

    private void heartbeat() {
        if (stopping || !heartbeatInFlight.compareAndSet(false, true)) {
            return;
        }
        controller.brokerHeartbeat(brokerId, incarnationId).whenComplete((result, error) -> {
            if (error == null && (result == Errors.BROKER_ID_NOT_REGISTERED || result == Errors.STALE_BROKER_EPOCH)
                    && !stopping) {
                LOG.info("The controller does not know broker {} incarnation {} ({}); registering again", brokerId,
                        incarnationId, result);
                register().whenComplete((ignored, failure) -> heartbeatInFlight.set(false));
                return;
            }
            if (error != null) {
                LOG.debug("Heartbeat of broker {} failed: {}", brokerId, error.toString());
            }
            heartbeatInFlight.set(false);
        });
    }

    /** Stops heartbeating and asks for a controlled shutdown, waiting at most the shutdown timeout. */
    @Override
    public synchronized void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        try {
            controller.controlledShutdown(brokerId).get(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Controlled shutdown of broker {} done: its leaderships moved", brokerId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("Controlled shutdown of broker {} did not complete: {}", brokerId,
                    (e.getCause() != null ? e.getCause() : e).toString());
        }
    }
}
