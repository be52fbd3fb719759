package io.sluice.group.consumer.assignor;

import io.sluice.group.consumer.assignor.AssignmentTopology.Topic;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * The uniform assignor's counting: how many partitions of each topic every subscriber ends with, starting from what
 * it retained. Deciding counts before partitions keeps the balancing cheap (integers, no partition sets) and lets
 * {@link PartitionOwners} choose afterwards which partitions move, with rack preference, without disturbing balance.
 *
 * <p>Three steps, each moving only what balance needs:
 * <ol>
 *   <li>unowned partitions go to the least loaded subscribers of their topic;</li>
 *   <li>per topic, partitions go from its most loaded holder to its least loaded subscriber while their loads differ
 *       by two or more (enough whenever subscribers of a topic subscribe alike);</li>
 *   <li>for overlapping subscriptions, a partition is shifted along a chain of members (A gives B a partition of a
 *       topic B subscribes to, B gives C one of another) whenever the chain's ends differ by two or more. Once no such
 *       chain exists no member can be relieved without overloading another: loads are as even as the subscriptions
 *       allow.</li>
 * </ol>
 *
 * <p>Mutable; one per {@code assign} call, confined to its thread.
 */
final class UniformLoadPlan {
    /** Rounds of step 2; step 3 finishes whatever these leave, so the bound only caps wasted passes. */
    private static final int MAX_DIRECT_ROUNDS = 16;
    /** Up to this many unowned partitions of a topic are placed by linear scans rather than through a heap. */
    private static final int SCAN_LIMIT = 8;

    private final AssignmentTopology topology;
    /** Per member, its partitions over all topics. */
    private final int[] loads;
    /** Per topic, per subscriber position, its partitions of the topic. */
    private final int[][] held;
    private final int[] unowned;
    /** Per topic, per rack: whether the rack has a replica of an unowned partition (step 1's tie-break). */
    private final boolean[][] racksHostingUnowned;
    /** Per topic, per rack: whether the rack has a replica of any partition (step 2's tie-break). */
    private final boolean[][] racksHostingTopic;
    private final int totalPartitions;

    UniformLoadPlan(AssignmentTopology topology, PartitionOwners owners) {
        this.topology = topology;
        int topicCount = topology.topics.length;
        this.loads = new int[topology.memberCount()];
        this.held = new int[topicCount][];
        this.unowned = new int[topicCount];
        this.racksHostingUnowned = new boolean[topicCount][];
        this.racksHostingTopic = new boolean[topicCount][];
        int total = 0;
        for (int t = 0; t < topicCount; t++) {
            Topic topic = topology.topics[t];
            held[t] = owners.heldCounts(t);
            for (int position = 0; position < held[t].length; position++) {
                loads[topic.subscribers[position]] += held[t][position];
            }
            unowned[t] = owners.unownedCount(t);
            racksHostingUnowned[t] = owners.racksHostingUnowned(t);
            racksHostingTopic[t] = racksHosting(topic);
            total += topic.numPartitions;
        }
        this.totalPartitions = total;
    }

    private boolean[] racksHosting(Topic topic) {
        boolean[] hosting = new boolean[topology.rackCount];
        for (int p = 0; p < topic.numPartitions; p++) {
            for (int rack : topic.racksOf(p)) {
                hosting[rack] = true;
            }
        }
        return hosting;
    }

    /** Runs the three steps; then {@link #heldCounts} holds the targets. */
    void balance() {
        assignUnowned();
        balanceWithinTopics();
        balanceAlongChains();
    }

    /** Per subscriber position, how many of the topic's partitions it should own. */
    int[] heldCounts(int t) {
        return held[t];
    }

    private int member(int t, int position) {
        return topology.topics[t].subscribers[position];
    }

    private void move(int t, int fromPosition, int toPosition) {
        held[t][fromPosition]--;
        held[t][toPosition]++;
        loads[member(t, fromPosition)]--;
        loads[member(t, toPosition)]++;
    }

    // Step 1.

    /** Topics with the fewest subscribers go first: their partitions have the fewest places to go. */
    private void assignUnowned() {
        List<Integer> order = new ArrayList<>();
        for (int t = 0; t < unowned.length; t++) {
            if (unowned[t] > 0) {
                order.add(t);
            }
        }
        order.sort(Comparator.<Integer>comparingInt(t -> topology.topics[t].subscribers.length)
                .thenComparingInt(t -> -unowned[t])
                .thenComparingInt(t -> t));
        for (int t : order) {
            assignUnowned(t);
        }
    }

    /** Few partitions to place among many subscribers (single-partition topics) are cheaper found by scanning. */
    private void assignUnowned(int t) {
        if (unowned[t] <= SCAN_LIMIT) {
            for (int i = 0; i < unowned[t]; i++) {
                addTo(t, leastLoaded(t, racksHostingUnowned[t]));
            }
        } else {
            PriorityQueue<Integer> subscribers = new PriorityQueue<>(leastLoadedFirst(t, racksHostingUnowned[t]));
            for (int position = 0; position < held[t].length; position++) {
                subscribers.add(position);
            }
            for (int i = 0; i < unowned[t]; i++) {
                int position = subscribers.poll();
                addTo(t, position);
                subscribers.add(position);
            }
        }
        unowned[t] = 0;
    }

    private void addTo(int t, int position) {
        held[t][position]++;
        loads[member(t, position)]++;
    }

    /** The first subscriber in {@link #leastLoadedFirst} order. */
    private int leastLoaded(int t, boolean[] preferredRacks) {
        int best = 0;
        int bestLoad = Integer.MAX_VALUE;
        boolean bestPreferred = false;
        for (int position = 0; position < held[t].length; position++) {
            int load = loads[member(t, position)];
            if (load > bestLoad || (load == bestLoad && bestPreferred)) {
                continue;
            }
            boolean preferred = inPreferredRack(member(t, position), preferredRacks);
            if (load < bestLoad || preferred) {
                best = position;
                bestLoad = load;
                bestPreferred = preferred;
            }
        }
        return best;
    }

    /** By load; among equals, members whose rack has the partitions, then by member id. */
    private Comparator<Integer> leastLoadedFirst(int t, boolean[] preferredRacks) {
        return Comparator.<Integer>comparingInt(position -> loads[member(t, position)])
                .thenComparingInt(position -> inPreferredRack(member(t, position), preferredRacks) ? 0 : 1)
                .thenComparingInt(position -> position);
    }

    private boolean inPreferredRack(int member, boolean[] preferredRacks) {
        int rack = topology.memberRacks[member];
        return rack != AssignmentTopology.NO_RACK && preferredRacks[rack];
    }

    // Step 2.

    private void balanceWithinTopics() {
        for (int round = 0; round < MAX_DIRECT_ROUNDS; round++) {
            boolean moved = false;
            for (int t = 0; t < held.length; t++) {
                moved |= balanceWithinTopic(t);
            }
            if (!moved) {
                return;
            }
        }
    }

    private boolean balanceWithinTopic(int t) {
        if (!hasImbalance(t)) {
            return false;
        }
        TreeSet<Integer> receivers = new TreeSet<>(leastLoadedFirst(t, racksHostingTopic[t]));
        TreeSet<Integer> givers = new TreeSet<>(Comparator.<Integer>comparingInt(p -> -loads[member(t, p)])
                .thenComparingInt(p -> p));
        for (int position = 0; position < held[t].length; position++) {
            receivers.add(position);
            if (held[t][position] > 0) {
                givers.add(position);
            }
        }
        boolean moved = false;
        while (!givers.isEmpty()) {
            int giver = givers.first();
            int receiver = receivers.first();
            if (loads[member(t, giver)] - loads[member(t, receiver)] < 2) {
                break;
            }
            givers.remove(giver);
            givers.remove(receiver);
            receivers.remove(giver);
            receivers.remove(receiver);
            move(t, giver, receiver);
            receivers.add(giver);
            receivers.add(receiver);
            givers.add(receiver);
            if (held[t][giver] > 0) {
                givers.add(giver);
            }
            moved = true;
        }
        return moved;
    }

    /** A linear pre-check, so that balanced topics cost no sorting. */
    private boolean hasImbalance(int t) {
        int minLoad = Integer.MAX_VALUE;
        int maxHolderLoad = Integer.MIN_VALUE;
        for (int position = 0; position < held[t].length; position++) {
            int load = loads[member(t, position)];
            minLoad = Math.min(minLoad, load);
            if (held[t][position] > 0) {
                maxHolderLoad = Math.max(maxHolderLoad, load);
            }
        }
        return maxHolderLoad != Integer.MIN_VALUE && maxHolderLoad - minLoad >= 2;
    }

    // Step 3.

    /** Each shift lowers the sum of squared loads, so this ends; the bound is a guard against a bug looping. */
    private void balanceAlongChains() {
        int budget = totalPartitions + topology.memberCount();
        while (budget-- > 0 && shiftAlongOneChain()) {
            // Each iteration shifts one chain.
        }
    }

    /**
     * One breadth-first search from the most loaded members downwards. At level L the sources are the members with
     * load L or more and a target is any member with load L - 2 or less; lowering L only adds sources, so the search
     * continues instead of restarting. The first target found gets a partition along the shortest chain.
     */
    private boolean shiftAlongOneChain() {
        List<Integer> byLoad = subscribingMembersByLoadDescending();
        if (byLoad.isEmpty()) {
            return false;
        }
        int maxLoad = loads[byLoad.get(0)];
        int minLoad = loads[byLoad.get(byLoad.size() - 1)];
        ChainSearch search = new ChainSearch();
        int next = 0;
        for (int level = maxLoad; level >= minLoad + 2; level--) {
            while (next < byLoad.size() && loads[byLoad.get(next)] >= level) {
                search.addSource(byLoad.get(next++));
            }
            int target = search.findMemberWithLoadAtMost(level - 2);
            if (target >= 0) {
                search.shiftTo(target);
                return true;
            }
        }
        return false;
    }

    private List<Integer> subscribingMembersByLoadDescending() {
        List<Integer> members = new ArrayList<>();
        for (int m = 0; m < loads.length; m++) {
            if (topology.subscribesToAnything(m)) {
                members.add(m);
            }
        }
        members.sort(Comparator.<Integer>comparingInt(m -> -loads[m]).thenComparingInt(m -> m));
        return members;
    }

    /**
     * The search's state: members and topics reached, and how. A topic is reached from a member holding one of its
     * partitions (which can then go to any of its subscribers); a member is reached through a topic it subscribes to.
     */
    private final class ChainSearch {
        private final boolean[] reachedMembers = new boolean[loads.length];
        /** Per member, the topic it was reached through, or -1 for a source. */
        private final int[] reachedThrough = new int[loads.length];
        private final boolean[] reachedTopics = new boolean[held.length];
        /** Per topic, the member it was reached from. */
        private final int[] reachedFrom = new int[held.length];
        private final int[] queue = new int[loads.length];
        private int head;
        private int tail;

        void addSource(int member) {
            if (!reachedMembers[member]) {
                reachedMembers[member] = true;
                reachedThrough[member] = -1;
                queue[tail++] = member;
            }
        }

        int findMemberWithLoadAtMost(int maxLoad) {
            while (head < tail) {
                int giver = queue[head++];
                for (int t : topology.memberTopics[giver]) {
                    if (reachedTopics[t] || held[t][topology.topics[t].position(giver)] == 0) {
                        continue;
                    }
                    reachedTopics[t] = true;
                    reachedFrom[t] = giver;
                    int target = reachSubscribers(t, maxLoad);
                    if (target >= 0) {
                        return target;
                    }
                }
            }
            return -1;
        }

        private int reachSubscribers(int t, int maxLoad) {
            for (int member : topology.topics[t].subscribers) {
                if (!reachedMembers[member]) {
                    reachedMembers[member] = true;
                    reachedThrough[member] = t;
                    if (loads[member] <= maxLoad) {
                        return member;
                    }
                    queue[tail++] = member;
                }
            }
            return -1;
        }

        /** Each member on the chain passes one partition on, so only the two ends change load. */
        void shiftTo(int target) {
            int receiver = target;
            while (reachedThrough[receiver] != -1) {
                int t = reachedThrough[receiver];
                int giver = reachedFrom[t];
                Topic topic = topology.topics[t];
                move(t, topic.position(giver), topic.position(receiver));
                receiver = giver;
            }
        }
    }
}
