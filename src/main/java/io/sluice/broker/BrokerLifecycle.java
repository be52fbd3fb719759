package io.sluice.broker;

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
 *
 * <p>States and the only transitions {@link #transitionTo} allows:
 * <pre>
 *   STARTING -----------------> REGISTERING                  start()
 *   REGISTERING --------------> RUNNING                      the controller accepted the registration
 *   RUNNING ------------------> FENCED                       a heartbeat found this incarnation unknown or stale
 *   FENCED -------------------> RUNNING                      registered again, or a heartbeat answered NONE
 *   STARTING, REGISTERING,
 *   RUNNING, FENCED ----------> PENDING_CONTROLLED_SHUTDOWN  close(): leaderships are being moved away
 *   PENDING_CONTROLLED_SHUTDOWN -> SHUTTING_DOWN             the controller confirmed, or the wait timed out
 * </pre>
 *
 * <p>Threading: start() and close() come from the server's start/stop thread, heartbeat answers from the
 * controller client's threads; the state is changed only under this object's monitor, and no future is completed
 * or waited for while holding it.
 */
public final class BrokerLifecycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLifecycle.class);

    /** Where the broker is in its membership of the cluster. */
    public enum State {
        STARTING, REGISTERING, RUNNING, FENCED, PENDING_CONTROLLED_SHUTDOWN, SHUTTING_DOWN;

        boolean canMoveTo(State next) {
            return switch (this) {
                case STARTING -> next == REGISTERING || next == PENDING_CONTROLLED_SHUTDOWN;
                case REGISTERING -> next == RUNNING || next == PENDING_CONTROLLED_SHUTDOWN;
                case RUNNING -> next == FENCED || next == PENDING_CONTROLLED_SHUTDOWN;
                case FENCED -> next == RUNNING || next == PENDING_CONTROLLED_SHUTDOWN;
                case PENDING_CONTROLLED_SHUTDOWN -> next == SHUTTING_DOWN;
                case SHUTTING_DOWN -> false;
            };
        }
    }

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
    private State state = State.STARTING;
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

    public synchronized State state() {
        return state;
    }

    /**
     * Moves to {@code next} if that transition is allowed from the current state; returns whether it moved. A
     * refused move is not an error: answers arrive late (a registration completing after close() began).
     */
    private synchronized boolean transitionTo(State next) {
        if (!state.canMoveTo(next)) {
            return false;
        }
        LOG.debug("Broker {} lifecycle: {} -> {}", brokerId, state, next);
        state = next;
        return true;
    }

    /** True when this broker is (now) fenced and should register again; false once stopping. */
    private synchronized boolean fence() {
        return state == State.FENCED || transitionTo(State.FENCED);
    }

    private synchronized boolean stopping() {
        return state == State.PENDING_CONTROLLED_SHUTDOWN || state == State.SHUTTING_DOWN;
    }

    /** Registers (waiting up to {@code timeout}), then starts heartbeating. */
    public void start(Duration timeout) {
        if (!transitionTo(State.REGISTERING)) {
            throw new IllegalStateException("Broker " + brokerId + " cannot start from " + state());
        }
        try {
            register().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            transitionTo(State.RUNNING);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while registering broker " + brokerId, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Broker " + brokerId + " could not register with the controller",
                    e.getCause() != null ? e.getCause() : e);
        }
        long everyMs = heartbeatInterval.toMillis();
        synchronized (this) {
            if (!stopping()) {
                heartbeats = timer.scheduleWithFixedDelay(this::heartbeat, everyMs, everyMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    private CompletableFuture<Void> register() {
        return controller.registerBroker(brokerId, host, port, rack, incarnationId);
    }

    private void heartbeat() {
        if (stopping() || !heartbeatInFlight.compareAndSet(false, true)) {
            return;
        }
        controller.brokerHeartbeat(brokerId, incarnationId).whenComplete((result, error) -> {
            if (error == null && (result == Errors.BROKER_ID_NOT_REGISTERED || result == Errors.STALE_BROKER_EPOCH)
                    && fence()) {
                LOG.info("The controller does not know broker {} incarnation {} ({}); registering again", brokerId,
                        incarnationId, result);
                register().whenComplete((ignored, failure) -> {
                    if (failure == null) {
                        transitionTo(State.RUNNING);
                    }
                    heartbeatInFlight.set(false);
                });
                return;
            }
            if (error != null) {
                LOG.debug("Heartbeat of broker {} failed: {}", brokerId, error.toString());
            } else if (result == Errors.NONE && state() == State.FENCED) {
                // A registration whose answer was lost got through: the controller knows this incarnation.
                transitionTo(State.RUNNING);
            }
            heartbeatInFlight.set(false);
        });
    }

    /** Stops heartbeating and asks for a controlled shutdown, waiting at most the shutdown timeout. */
    @Override
    public void close() {
        synchronized (this) {
            if (!transitionTo(State.PENDING_CONTROLLED_SHUTDOWN)) {
                return;
            }
            if (heartbeats != null) {
                heartbeats.cancel(false);
            }
        }
        try {
            controller.controlledShutdown(brokerId).get(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Controlled shutdown of broker {} done: its leaderships moved", brokerId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("Controlled shutdown of broker {} did not complete: {}", brokerId,
                    (e.getCause() != null ? e.getCause() : e).toString());
        } finally {
            transitionTo(State.SHUTTING_DOWN);
        }
    }
}
