package io.sluice.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.broker.BrokerLifecycle.State;
import io.sluice.controller.Controller;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The broker's membership state machine against a scripted controller: no sockets, no quorum. */
@Timeout(30)
class BrokerLifecycleTest {
    /** Answers registrations and heartbeats from queues the test fills; the queues' heads wait for completion. */
    private static final class ScriptedController implements Controller {
        final BlockingQueue<CompletableFuture<Void>> registrations = new LinkedBlockingQueue<>();
        final AtomicInteger registered = new AtomicInteger();
        volatile Errors heartbeatAnswer = Errors.NONE;
        final AtomicInteger heartbeats = new AtomicInteger();
        volatile CompletableFuture<Void> controlledShutdown = CompletableFuture.completedFuture(null);
        final AtomicInteger shutdownRequests = new AtomicInteger();

        @Override
        public CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack,
                                                      Uuid incarnationId) {
            registered.incrementAndGet();
            CompletableFuture<Void> next = registrations.poll();
            return next != null ? next : CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Errors> brokerHeartbeat(int brokerId, Uuid incarnationId) {
            heartbeats.incrementAndGet();
            return CompletableFuture.completedFuture(heartbeatAnswer);
        }

        @Override
        public CompletableFuture<Void> controlledShutdown(int brokerId) {
            shutdownRequests.incrementAndGet();
            return controlledShutdown;
        }
    }

    private final ScriptedController controller = new ScriptedController();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final BrokerLifecycle lifecycle = new BrokerLifecycle(controller, 1, "localhost", 9092, null, timer,
            Duration.ofMillis(5), Duration.ofSeconds(5));

    @AfterEach
    void stop() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    void registersThenRunsAndHeartbeats() {
        assertThat(lifecycle.state()).isEqualTo(State.STARTING);

        lifecycle.start(Duration.ofSeconds(5));

        assertThat(lifecycle.state()).isEqualTo(State.RUNNING);
        assertThat(controller.registered).hasValue(1);
        awaitTrue(() -> controller.heartbeats.get() >= 3, "heartbeats");
    }

    @Test
    void anUnknownIncarnationIsFencedUntilItRegistersAgain() {
        lifecycle.start(Duration.ofSeconds(5));
        CompletableFuture<Void> reRegistration = new CompletableFuture<>();
        controller.registrations.add(reRegistration);

        controller.heartbeatAnswer = Errors.STALE_BROKER_EPOCH;
        awaitTrue(() -> lifecycle.state() == State.FENCED, "FENCED");
        assertThat(controller.registered).hasValue(2);

        controller.heartbeatAnswer = Errors.NONE;
        reRegistration.complete(null);
        awaitTrue(() -> lifecycle.state() == State.RUNNING, "RUNNING again");
    }

    @Test
    void aFailedReRegistrationIsRetriedAtTheNextHeartbeat() {
        lifecycle.start(Duration.ofSeconds(5));
        controller.registrations.add(CompletableFuture.failedFuture(new NotControllerException("moving")));
        controller.heartbeatAnswer = Errors.BROKER_ID_NOT_REGISTERED;

        awaitTrue(() -> controller.registered.get() >= 3, "a registration retried after the failed one");
        controller.heartbeatAnswer = Errors.NONE;
        awaitTrue(() -> lifecycle.state() == State.RUNNING, "RUNNING once the controller knows the broker");
    }

    @Test
    void closeAsksForAControlledShutdownAndEndsShuttingDown() {
        lifecycle.start(Duration.ofSeconds(5));

        lifecycle.close();

        assertThat(controller.shutdownRequests).hasValue(1);
        assertThat(lifecycle.state()).isEqualTo(State.SHUTTING_DOWN);
        lifecycle.close();
        assertThat(controller.shutdownRequests).as("a second close does nothing").hasValue(1);
        assertThatThrownBy(() -> lifecycle.start(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aControlledShutdownTheControllerCannotConfirmStillEndsShuttingDown() {
        lifecycle.start(Duration.ofSeconds(5));
        controller.controlledShutdown = CompletableFuture.failedFuture(new NotControllerException("no controller"));

        lifecycle.close();

        assertThat(lifecycle.state()).isEqualTo(State.SHUTTING_DOWN);
    }

    @Test
    void closeBeforeStartSkipsRegistration() {
        lifecycle.close();

        assertThat(lifecycle.state()).isEqualTo(State.SHUTTING_DOWN);
        assertThat(controller.registered).hasValue(0);
    }
}
