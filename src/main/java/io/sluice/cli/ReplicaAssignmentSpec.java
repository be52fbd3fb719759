package io.sluice.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kafka-topics.sh's {@code --replica-assignment}: partitions separated by commas, each partition's broker ids by
 * colons, in partition order ("1:2,2:3" puts partition 0 on brokers 1 and 2 with 1 preferred, partition 1 on 2 and 3).
 */
final class ReplicaAssignmentSpec {
    private ReplicaAssignmentSpec() {
    }

    /**
     * @throws IllegalArgumentException for an empty partition, a broker id that is not a number or a broker named
     *                                  twice for one partition
     */
    static List<List<Integer>> parse(String spec) {
        List<List<Integer>> partitions = new ArrayList<>();
        String[] entries = spec.split(",", -1);
        for (int p = 0; p < entries.length; p++) {
            Set<Integer> replicas = new LinkedHashSet<>();
            for (String id : entries[p].split(":", -1)) {
                String trimmed = id.trim();
                int broker;
                try {
                    broker = Integer.parseInt(trimmed);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Partition " + p + " names an invalid broker id '" + trimmed
                            + "' in --replica-assignment");
                }
                if (!replicas.add(broker)) {
                    throw new IllegalArgumentException("Partition number " + p + " has duplicate replica assignment "
                            + entries[p].trim());
                }
            }
            partitions.add(List.copyOf(replicas));
        }
        return partitions;
    }

    /** The Admin client's form: partition index to replicas. */
    static Map<Integer, List<Integer>> byPartition(List<List<Integer>> partitions) {
        Map<Integer, List<Integer>> result = new HashMap<>();
        for (int p = 0; p < partitions.size(); p++) {
            result.put(p, partitions.get(p));
        }
        return result;
    }
}
