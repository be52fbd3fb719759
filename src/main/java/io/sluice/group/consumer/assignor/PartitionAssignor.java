package io.sluice.group.consumer.assignor;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A KIP-848 server-side assignor: computes a consumer group's target assignment from its members' subscriptions
 * and the subscribed topics' partitions. Chosen per group by the members' {@code group.remote.assignor}, among the
 * ones named in {@code group.consumer.assignors} (the first is the default).
 *
 * <p>Implementations are stateless and thread-safe; {@link #assign} must be deterministic for a given spec.
 */
public interface PartitionAssignor {
    /** The name clients ask for ({@code uniform}, {@code range}). */
    String name();

    /**
     * The target assignment: every member of the spec, mapped to the partitions it should own (topic id to partition
     * numbers; an empty map when it gets none). Each partition of a subscribed topic goes to exactly one member that
     * subscribes to its topic.
     */
    Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec);

    /** What an assignor sees of a group: its members, and the topics they subscribe to. */
    record AssignmentSpec(Map<String, MemberSpec> members, Map<Uuid, TopicSpec> topics) {
        public AssignmentSpec {
            members = Map.copyOf(members);
            topics = Map.copyOf(topics);
        }
    }

    /**
     * One member.
     *
     * @param rackId            the member's {@code client.rack}, or null
     * @param instanceId        its {@code group.instance.id} (static membership), or null
     * @param subscribedTopics  the ids of the existing topics it subscribes to
     * @param currentAssignment its assignment in the group's previous target assignment (stickiness), maybe empty
     */
    record MemberSpec(String rackId, String instanceId, Set<Uuid> subscribedTopics,
                      Map<Uuid, Set<Integer>> currentAssignment) {
        public MemberSpec {
            subscribedTopics = Set.copyOf(subscribedTopics);
            currentAssignment = Map.copyOf(currentAssignment);
        }
    }

    /**
     * One subscribed topic.
     *
     * @param partitionRacks per partition, the racks of its replicas (empty when brokers have no racks)
     */
    record TopicSpec(String name, int numPartitions, Map<Integer, Set<String>> partitionRacks) {
        public TopicSpec {
            partitionRacks = Map.copyOf(partitionRacks);
        }
    }
}
