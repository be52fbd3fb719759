package io.sluice.protocol.admin;

import io.sluice.util.Futures;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a per-item failure into the error code and message for its response entry. Admin handlers
 * answer each topic, partition or resource separately, so unexpected exceptions never reach the
 * dispatcher's logging; they are logged here instead of vanishing into UNKNOWN_SERVER_ERROR.
 */
final class AdminErrors {
    private static final Logger log = LoggerFactory.getLogger(AdminErrors.class);

    private AdminErrors() {
    }

    static ApiError of(Throwable error, String what) {
        Throwable cause = Futures.unwrap(error);
        if (!(cause instanceof ApiException)) {
            log.error("Unexpected error for {}", what, cause);
        }
        return ApiError.fromThrowable(cause);
    }
}
