package io.sluice.cli;

import io.sluice.config.BrokerConfig;
import io.sluice.config.Endpoint;
import io.sluice.config.Listeners;
import io.sluice.server.SluiceServer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice broker}: runs a broker until the process is told to stop. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Start a broker (zero-config: a single node on localhost:9092 with data in ./data).",
                "Stops cleanly on Ctrl-C or SIGTERM."})
final class BrokerCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Kafka-style server.properties file.")
    private Path configFile;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "Same as --config, as kafka-server-start takes it.")
    private Path positionalConfigFile;

    @Option(names = "--override", paramLabel = "KEY=VALUE",
            description = "Set a broker property, overriding the file (repeatable).")
    private Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws InterruptedException {
        if (configFile != null && positionalConfigFile != null) {
            throw new ParameterException(spec.commandLine(), "Give the properties file either with --config or as an argument, not both");
        }
        BrokerConfig config = BrokerConfig.load(configFile != null ? configFile : positionalConfigFile, overrides);
        SluiceServer server = SluiceServer.start(config);
        Thread hook = new Thread(server::close, "sluice-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getOut().println(startedLine(config, server.boundPort()));
        spec.commandLine().getOut().flush();
        server.awaitShutdown();
        return SluiceCommand.EXIT_OK;
    }

    /** "Sluice broker 1 listening on localhost:9092, data in /abs/data". */
    static String startedLine(BrokerConfig config, int boundPort) {
        Endpoint listener = config.listeners().get(0);
        String dirs = config.logDirs().stream().map(Path::toString).collect(Collectors.joining(","));
        return "Sluice broker " + config.nodeId() + " listening on " + Listeners.hostPort(listener.host(), boundPort)
                + ", data in " + dirs;
    }
}
