package io.sluice.cli;

import io.sluice.config.ConfigException;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The {@code sluice} command: a broker and Kafka-style tools to manage topics and consumer groups, produce and consume. */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = SluiceCommand.Version.class,
        description = "An event-streaming broker that speaks the Apache Kafka protocol.")
public final class SluiceCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    /** The subcommands, in the order the usage lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        LoggingDefaults.apply();
        if (args.length > 0 && args[0].equals("broker")) {
            BrokerClassPreloader.startInBackground();
        }
        System.exit(newCommandLine(args).execute(args));
    }

    /** The command line with Sluice's error reporting: usage errors exit 2, failures exit 1, neither with a stack trace. */
    public static CommandLine newCommandLine() {
        return withSubcommands(SUBCOMMANDS.keySet());
    }

    /**
     * The command line for these arguments: when they name a subcommand, only that one is built. picocli models
     * every registered command by reflection, which cost a starting broker a quarter of a second of CPU.
     */
    static CommandLine newCommandLine(String[] args) {
        if (args.length > 0 && SUBCOMMANDS.containsKey(args[0]) && !args[0].equals("help")) {
            return withSubcommands(List.of(args[0]));
        }
        return newCommandLine();
    }

    private static CommandLine withSubcommands(Collection<String> names) {
        CommandLine commandLine = new CommandLine(new SluiceCommand());
        for (String name : names) {
            commandLine.addSubcommand(name, SUBCOMMANDS.get(name).get());
        }
        commandLine.setParameterExceptionHandler(new UsageErrorHandler());
        commandLine.setExecutionExceptionHandler(new FailureHandler());
        return commandLine;
    }

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("broker", BrokerCommand::new);
        commands.put("topics", TopicsCommand::new);
        commands.put("produce", ProduceCommand::new);
        commands.put("consume", ConsumeCommand::new);
        commands.put("groups", GroupsCommand::new);
        commands.put("share-groups", ShareGroupsCommand::new);
        commands.put("transactions", TransactionsCommand::new);
        commands.put("metadata-quorum", MetadataQuorumCommand::new);
        commands.put("log-dirs", LogDirsCommand::new);
        commands.put("self-test", SelfTestCommand::new);
        commands.put("help", CommandLine.HelpCommand::new);
        return commands;
    }

    /** Without a subcommand there is nothing to do but explain what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return EXIT_OK;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SluiceCommand.class.getPackage().getImplementationVersion();
            return new String[] {"sluice " + (version != null ? version : "0.1.0-SNAPSHOT")};
        }
    }

    /** Prints the problem and a short synopsis to stderr. */
    private static final class UsageErrorHandler implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            CommandLine.Help help = cmd.getHelp();
            String message = ex.getMessage() == null ? "invalid usage" : ex.getMessage();
            // picocli's own messages start with "Error: ", which reads oddly after "sluice: ".
            err.println("sluice: " + (message.startsWith("Error: ") ? message.substring("Error: ".length()) : message));
            err.print(help.synopsisHeading());
            err.print(help.synopsis(help.synopsisHeadingLength()));
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return EXIT_USAGE;
        }
    }

    /** Reports a failed command on one line; only unexpected failures get a logged stack trace. */
    private static final class FailureHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
            PrintWriter err = cmd.getErr();
            int exitCode;
            if (ex instanceof ConfigException) {
                err.println("sluice: " + ex.getMessage());
                exitCode = EXIT_USAGE;
            } else if (ex instanceof CommandFailedException failed) {
                err.println("sluice: " + failed.getMessage());
                exitCode = failed.exitCode();
            } else {
                err.println("sluice: " + describe(ex));
                LoggerFactory.getLogger(SluiceCommand.class).debug("Command failed", ex);
                exitCode = EXIT_FAILURE;
            }
            err.flush();
            return exitCode;
        }

        private static String describe(Throwable t) {
            String message = t.getMessage();
            return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
        }
    }
}
