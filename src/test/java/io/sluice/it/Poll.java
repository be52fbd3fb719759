package io.sluice.it;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline instead of sleeping a guessed amount of time. A supplier that throws a
 * RuntimeException counts as "not yet" (the last one is reported on timeout); an Error (e.g. a failed assertion
 * such as "the broker process died") aborts the wait at once.
 */
public final class Poll {
    private static final long PAUSE_BETWEEN_CHECKS_MS = 20;

    private Poll() {
    }

    public static void until(Duration timeout, Supplier<Boolean> condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException lastFailure = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
            } catch (RuntimeException e) {
                lastFailure = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what, lastFailure);
            }
            try {
                Thread.sleep(PAUSE_BETWEEN_CHECKS_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what, e);
            }
        }
    }
}
