package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SluiceCommandUsageTest {

    @Test
    void noArgumentsPrintsTopLevelHelp() {
        CliRun run = CliRun.run();

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: sluice").contains("broker").contains("topics").contains("produce").contains("consume");
    }

    @Test
    void aNamedSubcommandIsTheOnlyOneBuilt() {
        picocli.CommandLine lean = SluiceCommand.newCommandLine(new String[] {"broker", "--help"});

        assertThat(lean.getSubcommands()).containsOnlyKeys("broker");
        assertThat(SluiceCommand.newCommandLine(new String[] {"--help"}).getSubcommands())
                .containsKeys("broker", "topics", "produce", "consume", "groups", "metadata-quorum", "self-test", "help");
        assertThat(SluiceCommand.newCommandLine(new String[] {"help", "topics"}).getSubcommands())
                .containsKeys("broker", "topics");
    }

    @Test
    void topicsWithoutAnActionIsAUsageError() {
        CliRun run = CliRun.run("topics");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("sluice: Missing required argument")
                .contains("Usage: sluice topics")
                .contains("Try 'sluice topics --help'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "topics --list --create|mutually exclusive",
        "topics --list --bogus|Unknown option: '--bogus'",
        "topics --create|Missing required option: '--topic=TOPIC'",
        "topics --delete|Missing required option: '--topic=TOPIC'",
        "topics --alter --topic t|--alter needs --partitions, --config or --delete-config",
        "topics --list --partitions 3|--partitions and --config apply only to --create and --alter",
        "topics --create --topic t --partitions 0|--partitions must be at least 1",
        "topics --list --bootstrap-server nonsense|expected HOST:PORT",
        "produce|Missing required option: '--topic=TOPIC'",
        "produce --topic t --acks 2|for option '--acks': expected all, 0 or 1",
        "produce --topic t --compression-type brotli|expected none, gzip, snappy, lz4 or zstd",
        "produce --topic t --property parse.key=true --property parse.headers=true|headers.delimiter and key.separator may not be equal",
        "consume|Missing required option: '--topic=TOPIC'",
        "consume --topic t --offset 5|--offset with a number needs --partition",
        "consume --topic t --offset soon --partition 0|for option '--offset'",
        "consume --topic t --from-beginning --offset earliest|--from-beginning cannot be combined with --offset",
        "consume --topic t --group g --partition 0|--partition cannot be combined with --group",
        "consume --topic t --max-messages 0|--max-messages must be at least 1",
        "broker --no-such-flag|Unknown option: '--no-such-flag'",
    })
    void wrongUsageExitsTwoWithHelpOnStderr(String args, String expected) {
        CliRun run = CliRun.run(args.split(" "));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("sluice: ").contains(expected).contains("Usage: sluice ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void invalidBrokerConfigIsReportedWithoutStackTrace() {
        CliRun run = CliRun.run("broker", "--override", "num.partitions=abc");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("sluice: Invalid value 'abc' for configuration 'num.partitions': expected an integer >= 1"
                + System.lineSeparator());
    }

    @Test
    void missingBrokerConfigFileIsReported() {
        CliRun run = CliRun.run("broker", "--config", "/nonexistent/server.properties");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("sluice: ").contains("/nonexistent/server.properties").doesNotContain("\tat ");
    }

    @Test
    void subcommandHelpGoesToStdout() {
        CliRun run = CliRun.run("consume", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--from-beginning").contains("--max-messages");
    }
}
