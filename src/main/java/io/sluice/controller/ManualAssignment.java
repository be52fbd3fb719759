package io.sluice.controller;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecord.PartitionRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;

/**
 * Replica lists given by the client (CreateTopics and CreatePartitions assignments) instead of placed by
 * {@link ReplicaAssigner}. As in Kafka, any registered broker may be named, fenced ones included, but each new
 * partition needs at least one live replica: the live replicas form its ISR and the first of them leads.
 */
final class ManualAssignment {
    private ManualAssignment() {
    }

    /**
     * Checks the replica lists of partitions [firstPartition, firstPartition + assignment.size()).
     *
     * @param replicationFactor the replica count every list must have, or -1 to take the first list's
     * @throws InvalidReplicaAssignmentException naming the first problem found
     */
    static void validate(MetadataImage image, List<List<Integer>> assignment, int replicationFactor,
                         int firstPartition) {
        if (assignment.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment includes no partitions.");
        }
        Set<Integer> live = PartitionLeadership.liveBrokers(image);
        int expected = replicationFactor;
        for (int i = 0; i < assignment.size(); i++) {
            List<Integer> replicas = assignment.get(i);
            if (replicas == null || replicas.isEmpty()) {
                throw new InvalidReplicaAssignmentException(
                        "The manual partition assignment includes an empty replica list.");
            }
            Set<Integer> seen = new HashSet<>();
            boolean anyLive = false;
            for (Integer broker : replicas) {
                if (broker == null || !seen.add(broker)) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes the broker "
                            + broker + " more than once.");
                }
                if (!image.brokers().containsKey(broker)) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                            + broker + ", but no such broker is registered.");
                }
                anyLive |= live.contains(broker);
            }
            if (expected == -1) {
                expected = replicas.size();
            } else if (replicas.size() != expected) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes a partition "
                        + "with " + replicas.size() + " replica(s), but this is not consistent with previous "
                        + "partitions, which have " + expected + " replica(s).");
            }
            if (!anyLive) {
                throw new InvalidReplicaAssignmentException("All brokers specified in the manual partition assignment "
                        + "for partition " + (firstPartition + i) + " are fenced or in controlled shutdown.");
            }
        }
    }

    /** The records creating the (validated) partitions: ISR = the live replicas in the given order. */
    static List<PartitionRecord> records(MetadataImage image, Uuid topicId, int firstPartition,
                                         List<List<Integer>> assignment) {
        Set<Integer> live = PartitionLeadership.liveBrokers(image);
        List<PartitionRecord> records = new ArrayList<>(assignment.size());
        for (int i = 0; i < assignment.size(); i++) {
            List<Integer> replicas = assignment.get(i);
            List<Integer> isr = replicas.stream().filter(live::contains).toList();
            records.add(new PartitionRecord(topicId, firstPartition + i, replicas, isr, isr.get(0), 0, 0));
        }
        return records;
    }
}
