package io.sluice.group.consumer;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Operations on assignments as KIP-848 carries them: topic id to partition numbers. The maps this returns are
 * immutable and hold no empty partition sets. Stateless.
 */
public final class Assignments {
    private Assignments() {
    }

    /** An immutable copy without empty entries. */
    public static Map<Uuid, Set<Integer>> copyOf(Map<Uuid, Set<Integer>> assignment) {
        Map<Uuid, Set<Integer>> copy = new HashMap<>();
        assignment.forEach((topic, partitions) -> {
            if (!partitions.isEmpty()) {
                copy.put(topic, Collections.unmodifiableSet(new TreeSet<>(partitions)));
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    /** The partitions in both. */
    public static Map<Uuid, Set<Integer>> intersection(Map<Uuid, Set<Integer>> a, Map<Uuid, Set<Integer>> b) {
        Map<Uuid, Set<Integer>> result = new HashMap<>();
        a.forEach((topic, partitions) -> {
            Set<Integer> other = b.get(topic);
            if (other != null) {
                Set<Integer> common = new HashSet<>(partitions);
                common.retainAll(other);
                result.put(topic, common);
            }
        });
        return copyOf(result);
    }

    /** The partitions of a that are not in b. */
    public static Map<Uuid, Set<Integer>> minus(Map<Uuid, Set<Integer>> a, Map<Uuid, Set<Integer>> b) {
        Map<Uuid, Set<Integer>> result = new HashMap<>();
        a.forEach((topic, partitions) -> {
            Set<Integer> remaining = new HashSet<>(partitions);
            Set<Integer> other = b.get(topic);
            if (other != null) {
                remaining.removeAll(other);
            }
            result.put(topic, remaining);
        });
        return copyOf(result);
    }

    public static boolean contains(Map<Uuid, Set<Integer>> assignment, Uuid topic, int partition) {
        Set<Integer> partitions = assignment.get(topic);
        return partitions != null && partitions.contains(partition);
    }

    public static int size(Map<Uuid, Set<Integer>> assignment) {
        int size = 0;
        for (Set<Integer> partitions : assignment.values()) {
            size += partitions.size();
        }
        return size;
    }
}
