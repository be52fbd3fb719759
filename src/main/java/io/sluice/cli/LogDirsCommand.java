package io.sluice.cli;

import io.sluice.config.BrokerConfig;
import io.sluice.log.StrayLogs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice log-dirs}: works on a node's log directories on disk, read from the broker's own config. Lists the
 * stray logs (partition directories the metadata did not know, set aside as "-stray" rather than deleted) or
 * deletes them ahead of log.stray.delete.delay.ms. Safe while the broker runs: it never opens a live log.
 */
@Command(name = "log-dirs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List or delete the stray logs in a node's log.dirs.",
                "A stray log is a partition directory the cluster metadata did not place on the node; the broker "
                        + "renames it topic-partition.<id>-stray instead of deleting it. To keep its records, stop "
                        + "the broker and rename the directory back to topic-partition."})
final class LogDirsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    private Action action;

    static final class Action {
        @Option(names = "--list-strays", required = true, description = "List the stray log directories.")
        boolean list;

        @Option(names = "--delete-strays", required = true, description = "Delete every stray log directory now.")
        boolean delete;
    }

    @Option(names = "--config", paramLabel = "FILE", description = "The broker's server.properties (for log.dirs).")
    private Path configFile;

    @Option(names = "--override", paramLabel = "KEY=VALUE", description = "Set a broker property, e.g. log.dirs=/data.")
    private Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() {
        List<Path> logDirs = BrokerConfig.load(configFile, overrides).logDirs();
        List<Path> strays = StrayLogs.list(logDirs);
        PrintWriter out = spec.commandLine().getOut();
        if (strays.isEmpty()) {
            out.println("No stray logs in " + logDirs);
        }
        for (Path stray : strays) {
            if (action.delete) {
                out.println((StrayLogs.delete(stray) ? "Deleted " : "Already gone: ") + stray);
            } else {
                out.println(stray);
            }
        }
        out.flush();
        return SluiceCommand.EXIT_OK;
    }
}
