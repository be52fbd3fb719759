package io.sluice.metadata;

import java.util.List;

/**
 * A partition's replica assignment and leadership as the metadata log last recorded them. While a reassignment
 * runs, {@code replicas} holds the target and the replicas still to be removed; {@code addingReplicas} are the
 * target replicas not yet caught up when it started, {@code removingReplicas} those leaving once it completes.
 */
public record PartitionImage(int partition, List<Integer> replicas, List<Integer> isr, int leader,
                             int leaderEpoch, int partitionEpoch, List<Integer> addingReplicas,
                             List<Integer> removingReplicas) {
    public PartitionImage {
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    /** A partition with no reassignment in progress. */
    public PartitionImage(int partition, List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                          int partitionEpoch) {
        this(partition, replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
    }

    public boolean reassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** The replica set the partition ends up with: {@code replicas} without the removing ones. */
    public List<Integer> targetReplicas() {
        if (removingReplicas.isEmpty()) {
            return replicas;
        }
        return replicas.stream().filter(r -> !removingReplicas.contains(r)).toList();
    }
}
