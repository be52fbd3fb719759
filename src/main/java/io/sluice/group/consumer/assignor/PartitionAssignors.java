package io.sluice.group.consumer.assignor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The server-side assignors a broker offers, built from {@code group.consumer.assignors}: each entry is a short name
 * ({@code uniform}, {@code range}) or the class name Kafka configures for it, and maps to ours. The first is the
 * default, for members that name none; a member naming one not offered is answered UNSUPPORTED_ASSIGNOR.
 *
 * <p>Immutable and thread-safe.
 */
public final class PartitionAssignors {
    private static final Map<String, Supplier<PartitionAssignor>> KNOWN = known();

    private final List<PartitionAssignor> assignors;

    private PartitionAssignors(List<PartitionAssignor> assignors) {
        this.assignors = List.copyOf(assignors);
    }

    private static Map<String, Supplier<PartitionAssignor>> known() {
        Map<String, Supplier<PartitionAssignor>> known = new LinkedHashMap<>();
        known.put(UniformAssignor.NAME, UniformAssignor::new);
        known.put(RangeAssignor.NAME, RangeAssignor::new);
        known.put("org.apache.kafka.coordinator.group.assignor.UniformAssignor", UniformAssignor::new);
        known.put("org.apache.kafka.coordinator.group.assignor.RangeAssignor", RangeAssignor::new);
        return Collections.unmodifiableMap(known);
    }

    /** Kafka's default list: uniform, then range. */
    public static PartitionAssignors defaults() {
        return of(List.of(UniformAssignor.NAME, RangeAssignor.NAME));
    }

    /**
     * The assignors named, in order; names are trimmed, as Kafka's list values are.
     *
     * @throws IllegalArgumentException if the list is empty, or a name is unknown or names an assignor twice
     */
    public static PartitionAssignors of(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("group.consumer.assignors must name at least one assignor; valid: "
                    + KNOWN.keySet());
        }
        List<PartitionAssignor> assignors = new ArrayList<>();
        for (String name : names) {
            PartitionAssignor assignor = create(name == null ? "" : name.trim());
            if (findIn(assignors, assignor.name()) != null) {
                throw new IllegalArgumentException("group.consumer.assignors names the " + assignor.name()
                        + " assignor twice");
            }
            assignors.add(assignor);
        }
        return new PartitionAssignors(assignors);
    }

    private static PartitionAssignor create(String name) {
        Supplier<PartitionAssignor> assignor = KNOWN.get(name);
        if (assignor == null) {
            throw new IllegalArgumentException("Unknown assignor '" + name + "' in group.consumer.assignors; valid: "
                    + KNOWN.keySet());
        }
        return assignor.get();
    }

    /** The assignor for members that name none. */
    public PartitionAssignor defaultAssignor() {
        return assignors.get(0);
    }

    /** The offered assignor with this {@link PartitionAssignor#name() name}, or null. */
    public PartitionAssignor find(String name) {
        return findIn(assignors, name);
    }

    /** All offered assignors, the default first. */
    public List<PartitionAssignor> all() {
        return assignors;
    }

    private static PartitionAssignor findIn(List<PartitionAssignor> assignors, String name) {
        for (PartitionAssignor assignor : assignors) {
            if (assignor.name().equals(name)) {
                return assignor;
            }
        }
        return null;
    }
}
