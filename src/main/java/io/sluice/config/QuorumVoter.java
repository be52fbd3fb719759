package io.sluice.config;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One entry of controller.quorum.voters: {@code id@host:port}. */
public record QuorumVoter(int nodeId, String host, int port) {
    static final String FORM = "a comma-separated list of id@host:port";

    private static final Pattern VOTER = Pattern.compile("^([0-9]{1,10})@(\\[[0-9A-Fa-f:.]+\\]|[^:@\\[\\]\\s]+):([0-9]{1,5})$");

    /**
     * Parses the voters property; ids must be distinct.
     *
     * @throws IllegalArgumentException when any entry does not match the form
     */
    public static List<QuorumVoter> parseList(String raw) {
        List<QuorumVoter> voters = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (String item : raw.split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            Matcher m = VOTER.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("malformed voter " + entry);
            }
            int id = Integer.parseInt(m.group(1));
            String host = m.group(2);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(m.group(3));
            if (port > 65535 || !ids.add(id)) {
                throw new IllegalArgumentException("bad voter " + entry);
            }
            voters.add(new QuorumVoter(id, host, port));
        }
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("no voters");
        }
        return List.copyOf(voters);
    }

    /** The voter's Raft endpoint, unresolved: resolved when connected to, so a restarted peer's new IP is found. */
    public InetSocketAddress address() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return nodeId + "@" + Listeners.hostPort(host, port);
    }
}
