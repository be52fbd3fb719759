package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class UnreachableBrokerTest {

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void clientCommandsGiveUpQuicklyWithOneClearLine() throws Exception {
        String bootstrap = "localhost:" + closedPort();
        CommandLine producer = SluiceCommand.newCommandLine();
        ((ProduceCommand) producer.getSubcommands().get("produce").getCommand())
                .withInput(new ByteArrayInputStream("hello\n".getBytes()));

        long started = System.nanoTime();
        // In parallel: each run waits out the same connection timeout.
        List<CompletableFuture<CliRun>> runs = List.of(
                CompletableFuture.supplyAsync(() -> CliRun.run("topics", "--list", "--bootstrap-server", bootstrap)),
                CompletableFuture.supplyAsync(() -> CliRun.run(producer, "produce", "--topic", "t", "--bootstrap-server", bootstrap)),
                CompletableFuture.supplyAsync(() -> CliRun.run("consume", "--topic", "t", "--bootstrap-server", bootstrap)),
                CompletableFuture.supplyAsync(() -> CliRun.run("consume", "--topic", "t", "--group", "g", "--bootstrap-server", bootstrap)));
        CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).join();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(elapsed).isLessThan(Duration.ofSeconds(15));
        for (CompletableFuture<CliRun> future : runs) {
            CliRun run = future.join();
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).startsWith("sluice: cannot reach broker at " + bootstrap + " (").doesNotContain("\tat ");
        }
    }
}
