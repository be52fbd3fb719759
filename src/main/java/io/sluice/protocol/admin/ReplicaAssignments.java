package io.sluice.protocol.admin;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;

/**
 * Early checks of manual replica assignments (CreateTopics, CreatePartitions) against the local image, so that a
 * malformed request is answered without a trip to the controller; the controller checks again against its image.
 */
final class ReplicaAssignments {
    private ReplicaAssignments() {
    }

    /**
     * @param replicationFactor the replica count every partition must have, or -1 to take the first partition's
     * @throws InvalidReplicaAssignmentException naming the first problem found
     */
    static void validate(List<List<Integer>> partitions, int replicationFactor, MetadataImage image) {
        int expected = replicationFactor;
        for (List<Integer> replicas : partitions) {
            if (replicas.isEmpty()) {
                throw new InvalidReplicaAssignmentException(
                        "The manual partition assignment includes an empty replica list.");
            }
            Set<Integer> seen = new HashSet<>();
            for (Integer broker : replicas) {
                if (!seen.add(broker)) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes the broker "
                            + broker + " more than once.");
                }
                BrokerImage registered = image.brokers().get(broker);
                if (registered == null) {
                    throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                            + broker + ", but no such broker is registered.");
                }
            }
            if (expected == -1) {
                expected = replicas.size();
            } else if (replicas.size() != expected) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes a partition with "
                        + replicas.size() + " replica(s), but this is not consistent with previous partitions, which have "
                        + expected + " replica(s).");
            }
        }
    }
}
