package io.sluice.it.group;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Repeats an action (typically a consumer poll, which itself waits) until a condition holds or time is up. */
final class Deadline {
    private Deadline() {
    }

    static void pollUntil(Duration timeout, Runnable step, BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
            }
            step.run();
        }
    }
}
