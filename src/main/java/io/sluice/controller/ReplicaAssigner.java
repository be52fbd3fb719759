package io.sluice.controller;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Round-robin replica placement over the live brokers. The start broker comes from the topic name's hash, so
 * topics spread their leaders across brokers while a given topic's placement is reproducible; partition p's
 * replicas are the rf consecutive brokers after (start + p), and its leader is the first of them. With racks, the
 * broker list is first interleaved rack by rack, so consecutive brokers, and thus one partition's replicas,
 * sit on different racks whenever there are enough racks.
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

    /**
     * Rack-aware variant: {@code racks} maps broker id to rack (null = no rack). Without any rack this is
     * {@link #assign(String, List, int, int, int)}.
     */
    static List<List<Integer>> assign(String topic, List<Integer> brokerIds, Map<Integer, String> racks,
                                      int replicationFactor, int firstPartition, int count) {
        boolean anyRack = brokerIds.stream().anyMatch(id -> racks.get(id) != null);
        List<Integer> order = anyRack ? rackAlternating(brokerIds, racks) : brokerIds;
        return assign(topic, order, replicationFactor, firstPartition, count);
    }

    /** rack-a's first broker, rack-b's first, ..., rack-a's second, ...; brokers without a rack share one group. */
    static List<Integer> rackAlternating(List<Integer> sortedIds, Map<Integer, String> racks) {
        TreeMap<String, List<Integer>> byRack = new TreeMap<>();
        for (int id : sortedIds) {
            String rack = racks.get(id);
            byRack.computeIfAbsent(rack == null ? "" : rack, r -> new ArrayList<>()).add(id);
        }
        List<Integer> order = new ArrayList<>(sortedIds.size());
        for (int round = 0; order.size() < sortedIds.size(); round++) {
            for (List<Integer> members : byRack.values()) {
                if (round < members.size()) {
                    order.add(members.get(round));
                }
            }
        }
        return order;
    }
}
