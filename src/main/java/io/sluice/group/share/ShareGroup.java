package io.sluice.group.share;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * A KIP-932 share group: its members, the group epoch (bumped when a member joins, leaves or changes its
 * subscription) and the assignment computed for it. Its state, as Kafka names them:
 * <pre>
 *   EMPTY   no members
 *   STABLE  members, each assigned at the group epoch
 *   DEAD    deleted; requests look the group up again
 * </pre>
 * Assignment is (like Kafka's simple assignor) plain: with fewer members than partitions each partition goes to one member, round
 * robin; with more members than partitions every member gets one and partitions are shared, so that every
 * member has records to fetch.
 *
 * <p>Threading: not thread-safe; read and changed only in the group's events.
 */
public final class ShareGroup {
    /** The names ListGroups and ShareGroupDescribe report. */
    public enum State {
        EMPTY("Empty"), STABLE("Stable"), DEAD("Dead");

        private final String kafkaName;

        State(String kafkaName) {
            this.kafkaName = kafkaName;
        }

        public String kafkaName() {
            return kafkaName;
        }
    }

    private final String groupId;
    private int groupEpoch;
    private boolean dead;
    private final Map<String, ShareGroupMember> members = new LinkedHashMap<>();
    private final Map<String, Map<Uuid, Set<Integer>>> targetAssignment = new HashMap<>();
    /** The subscribed topics the assignment was computed for (name to id and partition count). */
    private Map<String, Map.Entry<Uuid, Integer>> assignedTopics = Map.of();

    public ShareGroup(String groupId) {
        this.groupId = groupId;
    }

    public String groupId() {
        return groupId;
    }

    public int groupEpoch() {
        return groupEpoch;
    }

    public State state() {
        return dead ? State.DEAD : members.isEmpty() ? State.EMPTY : State.STABLE;
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    public ShareGroupMember member(String memberId) {
        return members.get(memberId);
    }

    public Collection<ShareGroupMember> members() {
        return Collections.unmodifiableCollection(members.values());
    }

    public void markDead() {
        dead = true;
    }

    public void putMember(ShareGroupMember member) {
        members.put(member.memberId(), member);
    }

    public ShareGroupMember removeMember(String memberId) {
        targetAssignment.remove(memberId);
        return members.remove(memberId);
    }

    /** The member's part of the assignment of the current group epoch (it takes it at its next heartbeat). */
    public Map<Uuid, Set<Integer>> targetOf(String memberId) {
        return targetAssignment.getOrDefault(memberId, Map.of());
    }

    /** The topics the current assignment was computed for. */
    public Map<String, Map.Entry<Uuid, Integer>> assignedTopics() {
        return assignedTopics;
    }

    /**
     * A new group epoch, with every member's share of the partitions of the topics it subscribes to
     * ({@code partitionCounts}: topic name to id and partition count, for the topics that exist). Members take it,
     * with the new epoch, at their next heartbeat.
     */
    public void reassign(Map<String, Map.Entry<Uuid, Integer>> partitionCounts) {
        groupEpoch++;
        assignedTopics = Map.copyOf(partitionCounts);
        Map<String, Map<Uuid, Set<Integer>>> assignment = new HashMap<>();
        // Members subscribing to the same topics share them; group members by topic.
        Map<String, List<String>> subscribers = new TreeMap<>();
        for (ShareGroupMember member : members.values()) {
            assignment.put(member.memberId(), new HashMap<>());
            for (String topic : member.subscribedTopicNames()) {
                if (partitionCounts.containsKey(topic)) {
                    subscribers.computeIfAbsent(topic, t -> new ArrayList<>()).add(member.memberId());
                }
            }
        }
        subscribers.forEach((topic, memberIds) -> {
            Collections.sort(memberIds);
            Uuid topicId = partitionCounts.get(topic).getKey();
            int partitions = partitionCounts.get(topic).getValue();
            int slots = Math.max(partitions, memberIds.size());
            for (int i = 0; i < slots && partitions > 0; i++) {
                String memberId = memberIds.get(i % memberIds.size());
                assignment.get(memberId).computeIfAbsent(topicId, id -> new HashSet<>()).add(i % partitions);
            }
        });
        targetAssignment.clear();
        targetAssignment.putAll(assignment);
    }
}
