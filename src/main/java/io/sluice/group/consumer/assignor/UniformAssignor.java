package io.sluice.group.consumer.assignor;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * KIP-848's {@code uniform} assignor, with Kafka 4.x's guarantees in this order:
 * <ol>
 *   <li>balance: the partition counts of two members with the same subscriptions differ by at most one; with
 *       differing subscriptions, counts are as even as the subscriptions allow (no member could give a partition,
 *       directly or through a chain of members, to one holding two or more fewer);</li>
 *   <li>stickiness: a member keeps the partitions of its current assignment that still exist and that it still
 *       subscribes to, except those balance makes it give up; nothing else moves;</li>
 *   <li>rack preference, which Kafka 4.x dropped and this adds without touching the two above: when members and
 *       partitions carry racks, the partitions that must move are matched to receivers with a replica in their
 *       rack, givers give up first the partitions remote to them, and ties between equally loaded receivers go to
 *       the one whose rack has the partitions.</li>
 * </ol>
 * Members and topics are visited in id order, so a spec always gets the same assignment. The work is a few sorts
 * and linear passes over members, subscriptions and partitions: see {@link UniformLoadPlan} for the counting and
 * {@link PartitionOwners} for the choice of partitions.
 *
 * <p>Stateless and thread-safe.
 */
public final class UniformAssignor implements PartitionAssignor {
    public static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec) {
        AssignmentTopology topology = AssignmentTopology.of(spec);
        PartitionOwners owners = PartitionOwners.retainingCurrent(topology, spec);
        UniformLoadPlan plan = new UniformLoadPlan(topology, owners);
        plan.balance();
        for (int t = 0; t < topology.topics.length; t++) {
            owners.reassign(t, plan.heldCounts(t));
        }
        return owners.toAssignment();
    }
}
