package io.sluice.group.consumer.assignor;

import io.sluice.group.consumer.Assignments;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.consumer.assignor.PartitionAssignor.AssignmentSpec;
import io.sluice.group.consumer.assignor.PartitionAssignor.MemberSpec;
import io.sluice.group.consumer.assignor.PartitionAssignor.TopicSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * Builds assignment specs for the assignor tests and checks the properties every assignment must have. Test-only;
 * each test builds its own.
 */
final class AssignorFixtures {
    static final Uuid T1 = topicId(1);
    static final Uuid T2 = topicId(2);
    static final Uuid T3 = topicId(3);

    private AssignorFixtures() {
    }

    static Uuid topicId(int n) {
        return new Uuid(42L, n);
    }

    static Set<Integer> partitions(int... numbers) {
        return IntStream.of(numbers).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<Integer> range(int start, int end) {
        return IntStream.range(start, end).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    /** A spec under construction; members and topics keep their insertion order until {@link #build}. */
    static final class Spec {
        private final Map<String, MemberSpec> members = new LinkedHashMap<>();
        private final Map<Uuid, TopicSpec> topics = new LinkedHashMap<>();

        Spec topic(Uuid id, int numPartitions) {
            return topic(id, numPartitions, Map.of());
        }

        Spec topic(Uuid id, int numPartitions, Map<Integer, Set<String>> partitionRacks) {
            topics.put(id, new TopicSpec("topic-" + id, numPartitions, partitionRacks));
            return this;
        }

        Spec member(String id, Uuid... subscriptions) {
            return member(id, null, null, Set.of(subscriptions), Map.of());
        }

        Spec member(String id, Set<Uuid> subscriptions, Map<Uuid, Set<Integer>> current) {
            return member(id, null, null, subscriptions, current);
        }

        Spec member(String id, String rack, String instanceId, Set<Uuid> subscriptions,
                    Map<Uuid, Set<Integer>> current) {
            members.put(id, new MemberSpec(rack, instanceId, subscriptions, current));
            return this;
        }

        /** Every member's current assignment replaced by its part of {@code previous}. */
        Spec withCurrent(Map<String, Map<Uuid, Set<Integer>>> previous) {
            members.replaceAll((id, m) -> new MemberSpec(m.rackId(), m.instanceId(), m.subscribedTopics(),
                    previous.getOrDefault(id, Map.of())));
            return this;
        }

        Spec without(String memberId) {
            members.remove(memberId);
            return this;
        }

        AssignmentSpec build() {
            return new AssignmentSpec(members, topics);
        }
    }

    static Spec spec() {
        return new Spec();
    }

    /**
     * Every member present; every partition of a subscribed topic owned by exactly one of its subscribers; nothing
     * else owned.
     */
    static void assertValid(AssignmentSpec spec, Map<String, Map<Uuid, Set<Integer>>> assignment) {
        assertThat(assignment.keySet()).isEqualTo(spec.members().keySet());
        Map<Uuid, Set<Integer>> owned = new HashMap<>();
        assignment.forEach((memberId, partitions) -> partitions.forEach((topicId, numbers) -> {
            assertThat(spec.members().get(memberId).subscribedTopics()).as("%s subscribes to %s", memberId, topicId)
                    .contains(topicId);
            assertThat(numbers).as("%s's partitions of %s", memberId, topicId).isNotEmpty()
                    .allSatisfy(p -> assertThat(p).isBetween(0, spec.topics().get(topicId).numPartitions() - 1));
            for (int p : numbers) {
                assertThat(owned.computeIfAbsent(topicId, t -> new HashSet<>()).add(p))
                        .as("partition %d of %s owned once", p, topicId).isTrue();
            }
        }));
        Set<Uuid> subscribed = spec.members().values().stream().flatMap(m -> m.subscribedTopics().stream())
                .collect(Collectors.toSet());
        for (Uuid topicId : subscribed) {
            assertThat(owned.getOrDefault(topicId, Set.of())).as("owned partitions of %s", topicId)
                    .isEqualTo(range(0, spec.topics().get(topicId).numPartitions()));
        }
    }

    static int size(Map<String, Map<Uuid, Set<Integer>>> assignment, String memberId) {
        return Assignments.size(assignment.get(memberId));
    }

    static List<Integer> sizes(Map<String, Map<Uuid, Set<Integer>>> assignment) {
        return assignment.keySet().stream().sorted().map(id -> size(assignment, id)).toList();
    }

    /** Partitions owned by one member before and another after. */
    static int moved(Map<String, Map<Uuid, Set<Integer>>> before, Map<String, Map<Uuid, Set<Integer>>> after) {
        Map<String, String> ownerBefore = owners(before);
        Map<String, String> ownerAfter = owners(after);
        int moved = 0;
        for (Map.Entry<String, String> partition : ownerBefore.entrySet()) {
            String now = ownerAfter.get(partition.getKey());
            if (now != null && !now.equals(partition.getValue())) {
                moved++;
            }
        }
        return moved;
    }

    private static Map<String, String> owners(Map<String, Map<Uuid, Set<Integer>>> assignment) {
        Map<String, String> owners = new HashMap<>();
        assignment.forEach((memberId, partitions) -> partitions.forEach((topicId, numbers) ->
                numbers.forEach(p -> owners.put(topicId + "-" + p, memberId))));
        return owners;
    }

    /**
     * As balanced as the subscriptions allow: no member can hand a partition, directly or along a chain of members
     * each passing one on to a subscriber of its topic, to a member holding two or more fewer.
     */
    static void assertNoImprovingChain(AssignmentSpec spec, Map<String, Map<Uuid, Set<Integer>>> assignment) {
        Map<Uuid, List<String>> subscribers = new HashMap<>();
        spec.members().forEach((id, m) -> m.subscribedTopics().forEach(t ->
                subscribers.computeIfAbsent(t, x -> new ArrayList<>()).add(id)));
        Map<String, Integer> sizes = new HashMap<>();
        assignment.keySet().forEach(id -> sizes.put(id, size(assignment, id)));
        int smallest = sizes.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        List<String> improvable = new ArrayList<>();
        for (String source : assignment.keySet()) {
            if (sizes.get(source) < smallest + 2) {
                continue; // nobody holds two fewer
            }
            Set<String> reached = new HashSet<>(Set.of(source));
            Set<Uuid> passedOn = new HashSet<>();
            ArrayDeque<String> queue = new ArrayDeque<>(List.of(source));
            while (!queue.isEmpty()) {
                String giver = queue.poll();
                for (Uuid topicId : assignment.get(giver).keySet()) {
                    if (!passedOn.add(topicId)) {
                        continue;
                    }
                    for (String receiver : subscribers.getOrDefault(topicId, List.of())) {
                        if (reached.add(receiver)) {
                            if (sizes.get(source) - sizes.get(receiver) >= 2) {
                                improvable.add(source + " -> " + receiver);
                            }
                            queue.add(receiver);
                        }
                    }
                }
            }
        }
        assertThat(improvable).as("members that could pass a partition on to one holding two fewer").isEmpty();
    }
}
