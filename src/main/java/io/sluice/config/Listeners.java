package io.sluice.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and formats listener lists of the form {@code NAME://host:port,NAME2://[::1]:port}. */
public final class Listeners {
    /** Wording used in error messages. */
    static final String FORM = "a comma-separated list of NAME://host:port (port 0-65535)";

    private static final Pattern LISTENER =
            Pattern.compile("^([A-Za-z][A-Za-z0-9_-]*)://(\\[[0-9A-Fa-f:.%a-zA-Z0-9]+\\]|[^:/\\[\\]\\s]*):([0-9]{1,5})$");

    private Listeners() {
    }

    /**
     * Parses a listener list; listener names are upper-cased as Kafka normalises them and must be
     * distinct. An IPv6 host is returned without brackets.
     *
     * @throws IllegalArgumentException when any entry does not match the form
     */
    public static List<Endpoint> parse(String raw) {
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String item : raw.split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) {
                continue;
            }
            Matcher m = LISTENER.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("malformed listener " + entry);
            }
            String name = m.group(1).toUpperCase(Locale.ROOT);
            String host = m.group(2);
            if (host.startsWith("[")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(m.group(3));
            if (port > 65535) {
                throw new IllegalArgumentException("port out of range in " + entry);
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("duplicate listener name " + name);
            }
            endpoints.add(new Endpoint(name, host, port));
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no listeners");
        }
        return List.copyOf(endpoints);
    }

    /** Formats endpoints back into the listeners property form. */
    public static String format(List<Endpoint> endpoints) {
        StringBuilder sb = new StringBuilder();
        for (Endpoint e : endpoints) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(e.listenerName()).append("://").append(hostPort(e.host(), e.port()));
        }
        return sb.toString();
    }

    /** host:port, bracketing IPv6 literals. */
    public static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
