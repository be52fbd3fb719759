package io.sluice.it;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs non-Java Kafka clients (kcat, kafka-python). A missing tool skips the test locally but fails it in CI
 * (environment variable CI=true), so CI cannot silently stop testing against them.
 */
public final class ExternalTool {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Exit code and everything the process printed. */
    public record Result(int exitCode, String stdout, String stderr) {
        public List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private ExternalTool() {
    }

    /** Requires an executable found on the PATH (or given as an absolute path). */
    public static String require(String executable) {
        String found = locate(executable);
        requireThat(found != null, executable + " is not installed");
        return found;
    }

    /** Skips locally, fails in CI, when a prerequisite of an external-client test is missing. */
    public static void requireThat(boolean present, String whatIsMissing) {
        if (present) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(whatIsMissing + " (required when CI=true)");
        }
        Assumptions.abort(whatIsMissing + "; skipped outside CI");
    }

    public static Result run(List<String> command, String stdin, Path workDir) {
        return run(command, stdin, workDir, DEFAULT_TIMEOUT);
    }

    /** Runs a command to completion; output goes through files so a chatty process can never block on a full pipe. */
    public static Result run(List<String> command, String stdin, Path workDir, Duration timeout) {
        try {
            Path out = Files.createTempFile(workDir, "tool", ".out");
            Path err = Files.createTempFile(workDir, "tool", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try (OutputStream toProcess = process.getOutputStream()) {
                if (stdin != null) {
                    toProcess.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
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
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    private static String locate(String executable) {
        if (executable.contains(File.separator)) {
            return Files.isExecutable(Path.of(executable)) ? executable : null;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, executable);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
