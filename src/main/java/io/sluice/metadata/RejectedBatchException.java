package io.sluice.metadata;

import org.apache.kafka.common.protocol.Errors;

/**
 * A batch whose expectations do not hold against the image it was applied to. Every replica reaches the same
 * verdict, so the batch is skipped everywhere and the proposer is answered with {@link #error()}.
 */
public final class RejectedBatchException extends Exception {
    private final Errors error;

    public RejectedBatchException(Errors error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public Errors error() {
        return error;
    }
}
