package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupsCommandUsageTest {

    @Test
    void groupsWithoutAnActionIsAUsageError() {
        CliRun run = CliRun.run("groups");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("sluice: Missing required argument")
                .contains("Usage: sluice groups")
                .contains("Try 'sluice groups --help'");
    }

    @Test
    void topLevelHelpListsGroups() {
        assertThat(CliRun.run().out()).contains("groups");
    }

    @Test
    void helpDescribesTheResetScenarios() {
        CliRun run = CliRun.run("groups", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--reset-offsets").contains("--to-datetime").contains("--dry-run").contains("--members");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "groups --list --describe|mutually exclusive",
        "groups --describe|Missing required option: '--group=GROUP'",
        "groups --delete|Missing required option: '--group=GROUP'",
        "groups --reset-offsets --all-topics --to-earliest|Missing required option: '--group=GROUP'",
        "groups --list --group g|--group does not apply to --list",
        "groups --describe --group g --all-groups|--group and --all-groups cannot be combined",
        "groups --describe --group g --members --state|only one of --offsets, --members and --state may be given",
        "groups --list --members|--offsets, --members and --state apply only to --describe",
        "groups --describe --group g --to-earliest|apply only to --reset-offsets",
        "groups --describe --group g --topic t|apply only to --reset-offsets",
        "groups --reset-offsets --group g --to-earliest|needs either --topic or --all-topics",
        "groups --reset-offsets --group g --topic t --all-topics --to-earliest|needs either --topic or --all-topics",
        "groups --reset-offsets --group g --topic t|needs exactly one of --to-earliest, --to-latest",
        "groups --reset-offsets --group g --topic t --to-earliest --to-latest|needs exactly one of --to-earliest",
        "groups --reset-offsets --group g --topic t --to-offset -1|--to-offset must be at least 0",
        "groups --reset-offsets --group g --topic t --to-datetime soon|expected YYYY-MM-DDTHH:mm:SS.sss",
        "groups --reset-offsets --group g --topic t:x --to-earliest|Invalid partition 'x'",
        "groups --reset-offsets --group g --topic t --to-earliest --dry-run --execute|--dry-run and --execute cannot be combined",
        "groups --reset-offsets --group a --group b --topic t --to-earliest|--reset-offsets takes exactly one --group",
        "groups --reset-offsets --all-groups --topic t --to-earliest|--all-groups applies only to --describe and --delete",
        "groups --reset-offsets --group g --topic t --to-offset ten|for option '--to-offset'",
        "groups --list --bootstrap-server nonsense|expected HOST:PORT",
    })
    void wrongUsageExitsTwoWithHelpOnStderr(String args, String expected) {
        CliRun run = CliRun.run(args.split(" "));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("sluice: ").contains(expected).contains("Usage: sluice groups");
        assertThat(run.out()).isEmpty();
    }
}
