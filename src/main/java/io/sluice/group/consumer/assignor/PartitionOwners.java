package io.sluice.group.consumer.assignor;

import io.sluice.group.consumer.Assignments;
import io.sluice.group.consumer.assignor.AssignmentTopology.Topic;
import io.sluice.group.consumer.assignor.PartitionAssignor.AssignmentSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Which subscriber owns each partition of each subscribed topic while the uniform assignor works. It starts from the
 * members' current assignments and, once {@link UniformLoadPlan} has fixed how many partitions of each topic every
 * subscriber ends with, picks the concrete partitions that move: this is where rack preference lives, since it only
 * ever chooses among moves the balance already requires.
 *
 * <p>Owners are subscriber positions ({@link Topic#subscribers} indices), -1 for none. Mutable; one per
 * {@code assign} call, confined to its thread.
 */
final class PartitionOwners {
    private static final int NONE = -1;

    private final AssignmentTopology topology;
    private final int[][] owners;

    private PartitionOwners(AssignmentTopology topology) {
        this.topology = topology;
        this.owners = new int[topology.topics.length][];
        for (int t = 0; t < owners.length; t++) {
            owners[t] = new int[topology.topics[t].numPartitions];
            Arrays.fill(owners[t], NONE);
        }
    }

    /**
     * Each member keeps the partitions of its current assignment that still exist and whose topic it still subscribes
     * to. Should two members claim one partition, the first by member id keeps it.
     */
    static PartitionOwners retainingCurrent(AssignmentTopology topology, AssignmentSpec spec) {
        PartitionOwners owners = new PartitionOwners(topology);
        for (int m = 0; m < topology.memberCount(); m++) {
            Map<Uuid, Set<Integer>> current = spec.members().get(topology.memberIds[m]).currentAssignment();
            for (Map.Entry<Uuid, Set<Integer>> topic : current.entrySet()) {
                owners.retain(topic.getKey(), topic.getValue(), m);
            }
        }
        return owners;
    }

    private void retain(Uuid topicId, Set<Integer> partitions, int member) {
        int t = topology.topicNumber(topicId);
        if (t < 0) {
            return;
        }
        int position = topology.topics[t].position(member);
        if (position < 0) {
            return;
        }
        int[] topicOwners = owners[t];
        for (int partition : partitions) {
            if (partition >= 0 && partition < topicOwners.length && topicOwners[partition] == NONE) {
                topicOwners[partition] = position;
            }
        }
    }

    /** Per subscriber position, how many of the topic's partitions it owns. */
    int[] heldCounts(int t) {
        int[] held = new int[topology.topics[t].subscribers.length];
        for (int owner : owners[t]) {
            if (owner != NONE) {
                held[owner]++;
            }
        }
        return held;
    }

    int unownedCount(int t) {
        int count = 0;
        for (int owner : owners[t]) {
            if (owner == NONE) {
                count++;
            }
        }
        return count;
    }

    /** Per rack, whether an unowned partition of the topic has a replica there. */
    boolean[] racksHostingUnowned(int t) {
        boolean[] hosting = new boolean[topology.rackCount];
        Topic topic = topology.topics[t];
        for (int p = 0; p < topic.numPartitions; p++) {
            if (owners[t][p] == NONE) {
                for (int rack : topic.racksOf(p)) {
                    hosting[rack] = true;
                }
            }
        }
        return hosting;
    }

    /**
     * Moves the topic's partitions so that each subscriber owns {@code targetHeld[position]} of them: the ones over
     * their target release partitions, those under it receive the released and the unowned ones.
     */
    void reassign(int t, int[] targetHeld) {
        int[] quotas = new int[targetHeld.length];
        int[] releases = new int[targetHeld.length];
        int[] held = heldCounts(t);
        for (int position = 0; position < held.length; position++) {
            quotas[position] = Math.max(0, targetHeld[position] - held[position]);
            releases[position] = Math.max(0, held[position] - targetHeld[position]);
        }
        boolean[] receiverRacks = racksOf(t, quotas);
        List<Integer> pool = unowned(t);
        pool.addAll(release(t, releases, receiverRacks));
        if (topology.rackAware) {
            giveInRackFirst(t, pool, quotas);
        }
        giveInOrder(t, pool, quotas);
    }

    private List<Integer> unowned(int t) {
        List<Integer> unowned = new ArrayList<>();
        for (int p = 0; p < owners[t].length; p++) {
            if (owners[t][p] == NONE) {
                unowned.add(p);
            }
        }
        return unowned;
    }

    /** The racks of the subscribers with a positive quota. */
    private boolean[] racksOf(int t, int[] quotas) {
        boolean[] racks = new boolean[topology.rackCount];
        int[] subscribers = topology.topics[t].subscribers;
        for (int position = 0; position < quotas.length; position++) {
            int rack = topology.memberRacks[subscribers[position]];
            if (quotas[position] > 0 && rack != AssignmentTopology.NO_RACK) {
                racks[rack] = true;
            }
        }
        return racks;
    }

    /**
     * Each releasing subscriber gives up first the partitions it has no replica of in its rack, and among those the
     * ones a receiver's rack has; it keeps its lowest partition numbers otherwise.
     */
    private List<Integer> release(int t, int[] releases, boolean[] receiverRacks) {
        Map<Integer, List<Integer>> candidates = new HashMap<>();
        for (int p = 0; p < owners[t].length; p++) {
            int owner = owners[t][p];
            if (owner != NONE && releases[owner] > 0) {
                candidates.computeIfAbsent(owner, o -> new ArrayList<>()).add(p);
            }
        }
        List<Integer> released = new ArrayList<>();
        for (int position : new TreeSet<>(candidates.keySet())) {
            List<Integer> partitions = candidates.get(position);
            partitions.sort(releaseOrder(t, position, receiverRacks));
            for (int p : partitions.subList(0, releases[position])) {
                owners[t][p] = NONE;
                released.add(p);
            }
        }
        return released;
    }

    private Comparator<Integer> releaseOrder(int t, int position, boolean[] receiverRacks) {
        Topic topic = topology.topics[t];
        int rack = topology.memberRacks[topic.subscribers[position]];
        return Comparator.<Integer>comparingInt(p -> topic.hasReplicaIn(p, rack) ? 1 : 0)
                .thenComparingInt(p -> hasReplicaInAny(topic, p, receiverRacks) ? 0 : 1)
                .thenComparing(Comparator.<Integer>reverseOrder());
    }

    private static boolean hasReplicaInAny(Topic topic, int partition, boolean[] racks) {
        for (int rack : topic.racksOf(partition)) {
            if (racks[rack]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hands pool partitions to receivers in a rack holding one of their replicas. Partitions with the fewest such
     * racks go first, to the rack with the most quota left, so that the flexible ones fill in around them. What
     * cannot be placed in a rack stays in the pool.
     */
    private void giveInRackFirst(int t, List<Integer> pool, int[] quotas) {
        Topic topic = topology.topics[t];
        List<ArrayDeque<Integer>> receiversByRack = receiversByRack(topic, quotas);
        int[] rackQuota = new int[topology.rackCount];
        for (int rack = 0; rack < rackQuota.length; rack++) {
            for (int position : receiversByRack.get(rack)) {
                rackQuota[rack] += quotas[position];
            }
        }
        pool.sort(Comparator.<Integer>comparingInt(p -> placeableRacks(topic, p, rackQuota))
                .thenComparingInt(p -> p));
        List<Integer> remaining = new ArrayList<>();
        for (int p : pool) {
            int rack = rackWithMostQuota(topic.racksOf(p), rackQuota);
            if (rack == AssignmentTopology.NO_RACK) {
                remaining.add(p);
                continue;
            }
            ArrayDeque<Integer> receivers = receiversByRack.get(rack);
            int position = receivers.peekFirst();
            give(t, p, position, quotas);
            rackQuota[rack]--;
            if (quotas[position] == 0) {
                receivers.pollFirst();
            }
        }
        pool.clear();
        pool.addAll(remaining);
    }

    private List<ArrayDeque<Integer>> receiversByRack(Topic topic, int[] quotas) {
        List<ArrayDeque<Integer>> byRack = new ArrayList<>();
        for (int rack = 0; rack < topology.rackCount; rack++) {
            byRack.add(new ArrayDeque<>());
        }
        for (int position = 0; position < quotas.length; position++) {
            int rack = topology.memberRacks[topic.subscribers[position]];
            if (quotas[position] > 0 && rack != AssignmentTopology.NO_RACK) {
                byRack.get(rack).addLast(position);
            }
        }
        return byRack;
    }

    /** How many racks could take the partition; unplaceable ones sort last. */
    private static int placeableRacks(Topic topic, int partition, int[] rackQuota) {
        int count = 0;
        for (int rack : topic.racksOf(partition)) {
            if (rackQuota[rack] > 0) {
                count++;
            }
        }
        return count == 0 ? Integer.MAX_VALUE : count;
    }

    private static int rackWithMostQuota(int[] racks, int[] rackQuota) {
        int best = AssignmentTopology.NO_RACK;
        for (int rack : racks) {
            if (rackQuota[rack] > 0 && (best == AssignmentTopology.NO_RACK || rackQuota[rack] > rackQuota[best])) {
                best = rack;
            }
        }
        return best;
    }

    /** Hands the pool, in order, to the receivers with quota left, in position order. */
    private void giveInOrder(int t, List<Integer> pool, int[] quotas) {
        Collections.sort(pool);
        int position = 0;
        for (int p : pool) {
            while (quotas[position] == 0) {
                position++;
            }
            give(t, p, position, quotas);
        }
    }

    private void give(int t, int partition, int position, int[] quotas) {
        owners[t][partition] = position;
        quotas[position]--;
    }

    /** Every member of the group mapped to what it owns; immutable. */
    Map<String, Map<Uuid, Set<Integer>>> toAssignment() {
        List<Map<Uuid, Set<Integer>>> perMember = new ArrayList<>();
        for (int m = 0; m < topology.memberCount(); m++) {
            perMember.add(new HashMap<>());
        }
        for (int t = 0; t < owners.length; t++) {
            Topic topic = topology.topics[t];
            for (int p = 0; p < owners[t].length; p++) {
                if (owners[t][p] == NONE) {
                    throw new IllegalStateException("Partition " + p + " of " + topic.id + " was left unassigned");
                }
                int member = topic.subscribers[owners[t][p]];
                perMember.get(member).computeIfAbsent(topic.id, id -> new TreeSet<>()).add(p);
            }
        }
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        for (int m = 0; m < topology.memberCount(); m++) {
            result.put(topology.memberIds[m], Assignments.copyOf(perMember.get(m)));
        }
        return Collections.unmodifiableMap(result);
    }
}
