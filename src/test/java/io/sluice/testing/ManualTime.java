package io.sluice.testing;

import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;

/** A clock that moves only when told. */
public final class ManualTime implements Time {
    private volatile long nowMs;

    public ManualTime(long startMs) {
        this.nowMs = startMs;
    }

    public void advance(long ms) {
        nowMs += ms;
    }

    @Override
    public long milliseconds() {
        return nowMs;
    }

    @Override
    public long nanoseconds() {
        return nowMs * 1_000_000L;
    }

    @Override
    public void sleep(long ms) {
        nowMs += ms;
    }

    @Override
    public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) {
        throw new UnsupportedOperationException();
    }
}
