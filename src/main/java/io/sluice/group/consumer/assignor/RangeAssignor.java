package io.sluice.group.consumer.assignor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * KIP-848's {@code range} assignor, as Kafka 4.x's server-side one: per topic, its subscribers in a fixed order each
 * get one contiguous range, {@code numPartitions / subscribers} long, the first {@code numPartitions % subscribers}
 * one longer. Subscribers of the same topics hold the same position in each, so with equal partition counts they
 * get the same partition numbers of every topic (co-partitioning, for joins).
 *
 * <p>The order is Kafka's: static members (with a {@code group.instance.id}) first, by instance id, then the others
 * by member id. A static member that restarts under a new member id thus keeps its ranges.
 *
 * <p>The current assignment is not consulted, as in Kafka since KAFKA-16944: keeping a member's current partitions
 * within its quota (Kafka 3.7's behaviour) cannot keep co-partitioning once members come and go, and Kafka chose
 * co-partitioning. What stability there is comes from the order: the same members and topics always get the same
 * assignment, and static members keep their place across restarts. Nor are racks consulted, as in Kafka 4.x: a
 * member's ranges follow from its position alone, and choosing positions per rack would differ between topics and
 * break co-partitioning.
 *
 * <p>Stateless and thread-safe.
 */
public final class RangeAssignor implements PartitionAssignor {
    public static final String NAME = "range";

    /** Static members first by instance id, then the others by member id; the member id settles equal ones. */
    private static final Comparator<Map.Entry<String, MemberSpec>> MEMBER_ORDER =
            Comparator.<Map.Entry<String, MemberSpec>, Boolean>comparing(e -> e.getValue().instanceId() == null)
                    .thenComparing(e -> e.getValue().instanceId(), Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(Map.Entry::getKey);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec) {
        Map<String, Map<Uuid, Set<Integer>>> assignment = new HashMap<>();
        spec.members().keySet().forEach(memberId -> assignment.put(memberId, new HashMap<>()));
        subscribersInOrder(spec).forEach((topicId, subscribers) ->
                assignRanges(topicId, spec.topics().get(topicId).numPartitions(), subscribers, assignment));
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        assignment.forEach((memberId, partitions) -> result.put(memberId, Collections.unmodifiableMap(partitions)));
        return Collections.unmodifiableMap(result);
    }

    /** Per existing topic, its subscribers in {@link #MEMBER_ORDER}. */
    private static Map<Uuid, List<String>> subscribersInOrder(AssignmentSpec spec) {
        List<Map.Entry<String, MemberSpec>> members = new ArrayList<>(spec.members().entrySet());
        members.sort(MEMBER_ORDER);
        Map<Uuid, List<String>> subscribers = new HashMap<>();
        for (Map.Entry<String, MemberSpec> member : members) {
            for (Uuid topicId : member.getValue().subscribedTopics()) {
                if (spec.topics().containsKey(topicId)) {
                    subscribers.computeIfAbsent(topicId, id -> new ArrayList<>()).add(member.getKey());
                }
            }
        }
        return subscribers;
    }

    private static void assignRanges(Uuid topicId, int numPartitions, List<String> subscribers,
                                     Map<String, Map<Uuid, Set<Integer>>> assignment) {
        int quota = numPartitions / subscribers.size();
        int longer = numPartitions % subscribers.size();
        int start = 0;
        for (int i = 0; i < subscribers.size(); i++) {
            int end = start + quota + (i < longer ? 1 : 0);
            if (end > start) {
                assignment.get(subscribers.get(i)).put(topicId, range(start, end));
            }
            start = end;
        }
    }

    private static Set<Integer> range(int start, int end) {
        TreeSet<Integer> partitions = new TreeSet<>();
        for (int p = start; p < end; p++) {
            partitions.add(p);
        }
        return Collections.unmodifiableSet(partitions);
    }
}
