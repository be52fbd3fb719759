package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogDirsCommandTest {
    @TempDir
    Path logDir;

    @Test
    void listsAndDeletesStrayLogsButNothingElse() throws Exception {
        Path stray = Files.createDirectories(logDir.resolve("orders-0.0123abcd-stray"));
        Files.writeString(stray.resolve("00000000000000000000.log"), "records");
        Path live = Files.createDirectories(logDir.resolve("orders-1"));

        CliRun listed = CliRun.run("log-dirs", "--list-strays", "--override", "log.dirs=" + logDir);
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out()).contains("orders-0.0123abcd-stray").doesNotContain("orders-1");
        assertThat(stray).exists();

        CliRun deleted = CliRun.run("log-dirs", "--delete-strays", "--override", "log.dirs=" + logDir);
        assertThat(deleted.exitCode()).isZero();
        assertThat(deleted.out()).contains("Deleted").contains("orders-0.0123abcd-stray");
        assertThat(stray).doesNotExist();
        assertThat(live).exists();

        assertThat(CliRun.run("log-dirs", "--list-strays", "--override", "log.dirs=" + logDir).out())
                .contains("No stray logs");
    }

    @Test
    void anActionIsRequired() {
        CliRun run = CliRun.run("log-dirs", "--override", "log.dirs=" + logDir);

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--list-strays").contains("--delete-strays");
    }
}
