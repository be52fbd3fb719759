package io.sluice.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of controller.quorum.bootstrap.servers (KIP-853): {@code host:port} of a controller's quorum (Raft)
 * endpoint, which a broker-only node asks for the current voters instead of being told them.
 */
public record BootstrapServer(String host, int port) {
    static final String FORM = "a comma-separated list of host:port (controller endpoints, without the id@ of "
            + "controller.quorum.voters)";

    private static final Pattern SERVER = Pattern.compile("^(\\[[0-9A-Fa-f:.]+\\]|[^:@\\[\\]\\s]+):([0-9]{1,5})$");

    /**
     * Parses the property; duplicates are dropped, order is kept (it is the order they are tried in).
     *
     * @throws IllegalArgumentException when any entry does not match the form or the list is empty
     */
    public static List<BootstrapServer> parseList(String raw) {
        Set<BootstrapServer> servers = new LinkedHashSet<>();
        for (String item : raw.split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            Matcher m = SERVER.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("malformed bootstrap server " + entry);
            }
            String host = m.group(1);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range in " + entry);
            }
            servers.add(new BootstrapServer(host, port));
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no bootstrap servers");
        }
        return List.copyOf(new ArrayList<>(servers));
    }

    @Override
    public String toString() {
        return Listeners.hostPort(host, port);
    }
}
