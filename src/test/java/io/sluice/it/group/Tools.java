package io.sluice.it.group;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs external clients; a missing one skips the test locally and fails it when CI=true. */
final class Tools {
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private Tools() {
    }

    static void require(boolean present, String whatIsMissing) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(whatIsMissing + " (required when CI=true)");
        }
        Assumptions.abort(whatIsMissing + "; skipped outside CI");
    }

    static Result run(List<String> command, Path workDir, Duration timeout) {
        try {
            Path out = Files.createTempFile(workDir, "tool", ".out");
            Path err = Files.createTempFile(workDir, "tool", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("timed out after " + timeout + ": " + command + "\n"
                        + new Result(-1, Files.readString(out), Files.readString(err)));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
