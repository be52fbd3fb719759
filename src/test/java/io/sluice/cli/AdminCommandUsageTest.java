package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Usage rules of the partition report options and the metadata-quorum command; no broker is contacted. */
class AdminCommandUsageTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "topics --list --under-replicated-partitions|apply only to --describe",
            "topics --create --topic t --unavailable-partitions|apply only to --describe",
            "topics --describe --under-replicated-partitions --unavailable-partitions|mutually exclusive",
            "topics --create --topic t --partitions 2 --replica-assignment 1:2,2:3|cannot be used with --partitions",
            "topics --create --topic t --replica-assignment 1:1|duplicate replica assignment",
            "topics --create --topic t --replica-assignment 1:x|invalid broker id 'x'",
            "topics --describe --replica-assignment 1|applies only to --create",
            "topics --alter --topic t --partitions 3 --replica-assignment 1,2|lists 2 partition(s)",
            "metadata-quorum describe|--status",
            "metadata-quorum describe --status --replication|mutually exclusive"})
    void misuseIsAUsageError(String args, String expected) {
        CliRun run = CliRun.run(args.split(" "));

        assertThat(run.exitCode()).isEqualTo(SluiceCommand.EXIT_USAGE);
        assertThat(run.err()).contains(expected);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void metadataQuorumIsListedAndExplainsItself() {
        assertThat(CliRun.run("--help").out()).contains("metadata-quorum");
        CliRun help = CliRun.run("metadata-quorum", "describe", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--status").contains("--replication").contains("--bootstrap-server");
    }

    @Test
    void anUnreachableBrokerIsReportedOnOneLine() {
        CliRun run = CliRun.run("metadata-quorum", "describe", "--status", "--bootstrap-server", "127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(SluiceCommand.EXIT_FAILURE);
        assertThat(run.err()).contains("cannot reach broker at 127.0.0.1:1");
    }
}
