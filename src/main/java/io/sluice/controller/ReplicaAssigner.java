package io.sluice.controller;

import java.util.ArrayList;
import java.util.List;

/**
 * Round-robin replica placement over the live brokers. The start broker comes from the topic name's hash, so
 * topics spread their leaders across brokers while a given topic's placement is reproducible; partition p's
 * replicas are the rf consecutive brokers after (start + p), and its leader is the first of them.
 */
final class ReplicaAssigner {
    private ReplicaAssigner() {
    }

    /** Replica lists for partitions [firstPartition, firstPartition + count); brokerIds must be sorted. */
    static List<List<Integer>> assign(String topic, List<Integer> brokerIds, int replicationFactor,
                                      int firstPartition, int count) {
        int brokers = brokerIds.size();
        if (replicationFactor > brokers) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " > " + brokers + " brokers");
        }
        int start = Math.floorMod(topic.hashCode(), brokers);
        List<List<Integer>> assignment = new ArrayList<>(count);
        for (int p = firstPartition; p < firstPartition + count; p++) {
            Integer[] replicas = new Integer[replicationFactor];
            for (int r = 0; r < replicationFactor; r++) {
                replicas[r] = brokerIds.get(Math.floorMod(start + p + r, brokers));
            }
            assignment.add(List.of(replicas));
        }
        return assignment;
    }
}
