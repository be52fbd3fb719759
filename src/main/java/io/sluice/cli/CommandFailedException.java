package io.sluice.cli;

/** A command could not do its job; the message is shown as "sluice: message" and the process exits with exitCode. */
final class CommandFailedException extends RuntimeException {
    private final int exitCode;

    CommandFailedException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    static CommandFailedException unreachable(String bootstrap, Throwable cause) {
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return new CommandFailedException("cannot reach broker at " + bootstrap + " (" + reason + ")", 1);
    }

    int exitCode() {
        return exitCode;
    }
}
