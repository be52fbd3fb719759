package io.sluice.cli;

import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The --bootstrap-server option shared by the client commands. */
final class BootstrapOption {
    private static final Pattern HOST_PORTS =
            Pattern.compile("^\\s*(\\[[0-9A-Fa-f:.]+\\]|[^,:\\s]+):[0-9]{1,5}\\s*(,\\s*(\\[[0-9A-Fa-f:.]+\\]|[^,:\\s]+):[0-9]{1,5}\\s*)*$");

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    private String servers = "localhost:9092";

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
            description = "Broker(s) to connect to, comma-separated (default: ${DEFAULT-VALUE}).", defaultValue = "localhost:9092")
    void setServers(String value) {
        if (!HOST_PORTS.matcher(value).matches()) {
            throw new ParameterException(mixee.commandLine(),
                    "Invalid value '" + value + "' for option '--bootstrap-server': expected HOST:PORT[,HOST:PORT...]");
        }
        this.servers = value.trim();
    }

    String servers() {
        return servers;
    }
}
