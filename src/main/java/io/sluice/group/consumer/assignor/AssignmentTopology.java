package io.sluice.group.consumer.assignor;

import io.sluice.group.consumer.assignor.PartitionAssignor.AssignmentSpec;
import io.sluice.group.consumer.assignor.PartitionAssignor.TopicSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Who subscribes to what in one assignment spec, numbered for array-based work: members by sorted member id, topics
 * by sorted topic id, racks by sorted name. Only topics that exist, have partitions and have a subscriber are kept; a
 * subscription to a topic missing from the spec is ignored, as the spec only names existing topics.
 *
 * <p>Immutable once built; built per {@code assign} call and confined to its thread.
 */
final class AssignmentTopology {
    static final int NO_RACK = -1;
    private static final int[] NO_RACKS = new int[0];

    /** One subscribed topic: its subscribers (member numbers, ascending) and each partition's member racks. */
    static final class Topic {
        final Uuid id;
        final int numPartitions;
        final int[] subscribers;
        /** Per partition, the numbers of the member racks holding a replica (ascending); null without rack data. */
        final int[][] partitionRacks;

        Topic(Uuid id, int numPartitions, int[] subscribers, int[][] partitionRacks) {
            this.id = id;
            this.numPartitions = numPartitions;
            this.subscribers = subscribers;
            this.partitionRacks = partitionRacks;
        }

        /** The member's position among the subscribers, or a negative number when it does not subscribe. */
        int position(int member) {
            return Arrays.binarySearch(subscribers, member);
        }

        int[] racksOf(int partition) {
            return partitionRacks == null ? NO_RACKS : partitionRacks[partition];
        }

        boolean hasReplicaIn(int partition, int rack) {
            return rack != NO_RACK && partitionRacks != null
                    && Arrays.binarySearch(partitionRacks[partition], rack) >= 0;
        }
    }

    final String[] memberIds;
    /** Per member, its rack number or {@link #NO_RACK}. */
    final int[] memberRacks;
    final int rackCount;
    /** Whether members and partitions both carry racks, so rack preference applies. */
    final boolean rackAware;
    final Topic[] topics;
    /** Per member, the numbers of the kept topics it subscribes to (ascending). */
    final int[][] memberTopics;
    private final Map<Uuid, Integer> topicNumbers;

    private AssignmentTopology(String[] memberIds, int[] memberRacks, int rackCount, boolean rackAware,
                               Topic[] topics, int[][] memberTopics) {
        this.memberIds = memberIds;
        this.memberRacks = memberRacks;
        this.rackCount = rackCount;
        this.rackAware = rackAware;
        this.topics = topics;
        this.memberTopics = memberTopics;
        this.topicNumbers = new HashMap<>();
        for (int t = 0; t < topics.length; t++) {
            topicNumbers.put(topics[t].id, t);
        }
    }

    static AssignmentTopology of(AssignmentSpec spec) {
        String[] memberIds = spec.members().keySet().stream().sorted().toArray(String[]::new);
        Map<String, Integer> rackNumbers = memberRackNumbers(spec, memberIds);
        int[] memberRacks = new int[memberIds.length];
        for (int m = 0; m < memberIds.length; m++) {
            String rack = spec.members().get(memberIds[m]).rackId();
            memberRacks[m] = rack == null ? NO_RACK : rackNumbers.get(rack);
        }
        boolean rackAware = !rackNumbers.isEmpty() && anyPartitionRacks(spec);

        Uuid[] candidates = spec.topics().entrySet().stream().filter(e -> e.getValue().numPartitions() > 0)
                .map(Map.Entry::getKey).sorted().toArray(Uuid[]::new);
        int[][] candidateTopics = candidateTopicsPerMember(spec, memberIds, candidates);
        int[][] candidateSubscribers = subscribersPerTopic(candidates.length, candidateTopics);

        int[] renumbered = new int[candidates.length];
        Topic[] topics = keepSubscribed(spec, candidates, candidateSubscribers, rackAware ? rackNumbers : null,
                renumbered);
        for (int[] memberTopics : candidateTopics) {
            for (int i = 0; i < memberTopics.length; i++) {
                memberTopics[i] = renumbered[memberTopics[i]];
            }
        }
        return new AssignmentTopology(memberIds, memberRacks, rackNumbers.size(), rackAware, topics,
                candidateTopics);
    }

    /** The candidates with subscribers, renumbered in the same (id) order; {@code renumbered} gets the mapping. */
    private static Topic[] keepSubscribed(AssignmentSpec spec, Uuid[] candidates, int[][] subscribers,
                                          Map<String, Integer> rackNumbers, int[] renumbered) {
        List<Topic> kept = new ArrayList<>();
        for (int c = 0; c < candidates.length; c++) {
            renumbered[c] = subscribers[c].length == 0 ? -1 : kept.size();
            if (renumbered[c] >= 0) {
                TopicSpec topic = spec.topics().get(candidates[c]);
                int[][] racks = rackNumbers == null ? null : partitionRacks(topic, rackNumbers);
                kept.add(new Topic(candidates[c], topic.numPartitions(), subscribers[c], racks));
            }
        }
        return kept.toArray(Topic[]::new);
    }

    /** The kept topic's number, or -1. */
    int topicNumber(Uuid topicId) {
        Integer number = topicNumbers.get(topicId);
        return number == null ? -1 : number;
    }

    int memberCount() {
        return memberIds.length;
    }

    boolean subscribesToAnything(int member) {
        return memberTopics[member].length > 0;
    }

    private static Map<String, Integer> memberRackNumbers(AssignmentSpec spec, String[] memberIds) {
        TreeSet<String> racks = new TreeSet<>();
        for (String memberId : memberIds) {
            String rack = spec.members().get(memberId).rackId();
            if (rack != null) {
                racks.add(rack);
            }
        }
        Map<String, Integer> numbers = new HashMap<>();
        for (String rack : racks) {
            numbers.put(rack, numbers.size());
        }
        return numbers;
    }

    private static boolean anyPartitionRacks(AssignmentSpec spec) {
        for (TopicSpec topic : spec.topics().values()) {
            for (Set<String> racks : topic.partitionRacks().values()) {
                if (!racks.isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Per member, the numbers of the candidate topics it subscribes to, ascending; other subscriptions dropped. */
    private static int[][] candidateTopicsPerMember(AssignmentSpec spec, String[] memberIds, Uuid[] candidates) {
        Map<Uuid, Integer> numbers = new HashMap<>();
        for (int c = 0; c < candidates.length; c++) {
            numbers.put(candidates[c], c);
        }
        int[][] perMember = new int[memberIds.length][];
        for (int m = 0; m < memberIds.length; m++) {
            Set<Uuid> subscriptions = spec.members().get(memberIds[m]).subscribedTopics();
            int[] topics = new int[subscriptions.size()];
            int count = 0;
            for (Uuid topicId : subscriptions) {
                Integer number = numbers.get(topicId);
                if (number != null) {
                    topics[count++] = number;
                }
            }
            perMember[m] = Arrays.copyOf(topics, count);
            Arrays.sort(perMember[m]);
        }
        return perMember;
    }

    /** Per topic, its subscribers ascending: members are visited in order. */
    private static int[][] subscribersPerTopic(int topicCount, int[][] memberTopics) {
        int[] counts = new int[topicCount];
        for (int[] topics : memberTopics) {
            for (int t : topics) {
                counts[t]++;
            }
        }
        int[][] subscribers = new int[topicCount][];
        for (int t = 0; t < topicCount; t++) {
            subscribers[t] = new int[counts[t]];
        }
        int[] filled = new int[topicCount];
        for (int m = 0; m < memberTopics.length; m++) {
            for (int t : memberTopics[m]) {
                subscribers[t][filled[t]++] = m;
            }
        }
        return subscribers;
    }

    /** Only racks some member is in matter: a replica in any other rack is remote for everyone. */
    private static int[][] partitionRacks(TopicSpec topic, Map<String, Integer> rackNumbers) {
        int[][] racks = new int[topic.numPartitions()][];
        for (int p = 0; p < racks.length; p++) {
            Set<String> names = topic.partitionRacks().getOrDefault(p, Set.of());
            racks[p] = names.stream().map(rackNumbers::get).filter(r -> r != null).mapToInt(Integer::intValue)
                    .sorted().toArray();
        }
        return racks;
    }
}
