package io.sluice.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

/**
 * A classic group's membership and generation, and its {@link RebalanceState}. Read and changed only in the
 * group's events ({@link Groups#run}), one at a time; the rebalance logic that drives it lives in
 * {@link ClassicRebalance}. State changes go through
 * {@link #transitionTo(GroupState)} only.
 */
final class ClassicGroup {
    static final String CONSUMER_PROTOCOL_TYPE = "consumer";

    private final String groupId;
    private GroupState state = GroupState.EMPTY;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    /** Insertion order is join order: the first member becomes leader when the leader goes. */
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMemberIds = new HashMap<>();
    /** KIP-394: ids handed out with MEMBER_ID_REQUIRED whose owners have not joined with them yet. */
    private final Map<String, GroupTimer.Scheduled> pendingMembers = new HashMap<>();
    /** Topics the current generation subscribes to (consumer protocol); null when unknown. */
    private Set<String> subscribedTopics = Set.of();

    /** How many members, readable from any thread (offset expiry asks whether the group is empty). */
    private volatile int memberCount;
    /** Timers and waiting requests of the rebalance, changed in the same events. */
    private final RebalanceState rebalance = new RebalanceState();

    ClassicGroup(String groupId) {
        this.groupId = groupId;
    }

    /**
     * The group as its latest metadata record left it: Stable with the stored generation, leader and assignments,
     * or Empty when it had no members. Each member supports just the selected protocol, with its stored
     * subscription, as Kafka loads it; session timers are the caller's to start.
     */
    static ClassicGroup restore(GroupMetadata stored) {
        ClassicGroup group = new ClassicGroup(stored.groupId());
        group.generationId = stored.generation();
        if (stored.members().isEmpty() || stored.protocol() == null) {
            return group;
        }
        group.protocolType = stored.protocolType();
        group.protocolName = stored.protocol();
        for (GroupMetadata.Member entry : stored.members()) {
            GroupMember member = new GroupMember(entry.memberId(), entry.groupInstanceId(), entry.clientId(),
                    entry.clientHost(), entry.rebalanceTimeoutMs(), entry.sessionTimeoutMs(),
                    List.of(new GroupMember.Protocol(group.protocolName, entry.subscription())));
            member.assignment(entry.assignment());
            group.members.put(member.memberId(), member);
            if (member.isStatic()) {
                group.staticMemberIds.put(member.groupInstanceId(), member.memberId());
            }
        }
        group.memberCount = group.members.size();
        group.leaderId = group.members.containsKey(stored.leader())
                ? stored.leader() : group.members.keySet().iterator().next();
        group.subscribedTopics = group.computeSubscribedTopics();
        // Loading is not a transition: the stored group was stable when its record was written.
        group.state = GroupState.STABLE;
        return group;
    }

    /**
     * The record to store for the current generation with these assignments (members left out get none):
     * written when the leader's assignment arrives, and with no members when the group becomes Empty.
     */
    GroupMetadata toMetadata(Map<String, byte[]> assignments, long nowMs) {
        List<GroupMetadata.Member> stored = new ArrayList<>(members.size());
        for (GroupMember member : members.values()) {
            byte[] assignment = assignments.get(member.memberId());
            byte[] subscription = protocolName == null ? null : member.metadata(protocolName);
            stored.add(new GroupMetadata.Member(member.memberId(), member.groupInstanceId(), member.clientId(),
                    member.clientHost(), member.rebalanceTimeoutMs(), member.sessionTimeoutMs(),
                    subscription == null ? GroupMember.NO_BYTES : subscription,
                    assignment == null ? GroupMember.NO_BYTES : assignment));
        }
        return new GroupMetadata(groupId, protocolType == null ? "" : protocolType, generationId, protocolName,
                members.isEmpty() ? null : leaderId, nowMs, stored);
    }

    String groupId() {
        return groupId;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState candidate) {
        return state == candidate;
    }

    /** The one place a group changes state; refuses moves the state table does not allow. */
    void transitionTo(GroupState target) {
        if (!target.validPreviousStates().contains(state)) {
            throw new IllegalStateException("Group " + groupId + " cannot move from " + state + " to " + target);
        }
        state = target;
    }

    int generationId() {
        return generationId;
    }

    String protocolType() {
        return protocolType;
    }

    String protocolName() {
        return protocolName;
    }

    String leaderId() {
        return leaderId;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    Collection<GroupMember> members() {
        return Collections.unmodifiableCollection(members.values());
    }

    GroupMember member(String memberId) {
        return members.get(memberId);
    }

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    int size() {
        return members.size() + pendingMembers.size();
    }

    String staticMemberId(String groupInstanceId) {
        return staticMemberIds.get(groupInstanceId);
    }

    boolean isPending(String memberId) {
        return pendingMembers.containsKey(memberId);
    }

    void addPending(String memberId, GroupTimer.Scheduled expiry) {
        pendingMembers.put(memberId, expiry);
    }

    /** Forgets a pending member id; true if it was pending. */
    boolean removePending(String memberId) {
        GroupTimer.Scheduled expiry = pendingMembers.remove(memberId);
        if (expiry != null) {
            expiry.cancel();
        }
        return expiry != null;
    }

    /** Adds a member; the first member of an empty group sets the group's protocol type. */
    void add(GroupMember member, String memberProtocolType) {
        if (members.isEmpty()) {
            protocolType = memberProtocolType;
        }
        members.put(member.memberId(), member);
        memberCount = members.size();
        if (member.isStatic()) {
            staticMemberIds.put(member.groupInstanceId(), member.memberId());
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
    }

    void remove(String memberId) {
        GroupMember removed = members.remove(memberId);
        memberCount = members.size();
        if (removed != null && removed.isStatic()) {
            staticMemberIds.remove(removed.groupInstanceId(), memberId);
        }
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** A static member came back under a new member id: same member, same assignment, new id. */
    GroupMember replaceStaticMember(String groupInstanceId, String oldMemberId, String newMemberId) {
        GroupMember member = members.remove(oldMemberId);
        member.memberId(newMemberId);
        members.put(newMemberId, member);
        staticMemberIds.put(groupInstanceId, newMemberId);
        if (isLeader(oldMemberId)) {
            leaderId = newMemberId;
        }
        return member;
    }

    int memberCount() {
        return memberCount;
    }

    RebalanceState rebalance() {
        return rebalance;
    }

    /** Every member has a JoinGroup waiting and no handed-out member id is still to come back. */
    boolean hasAllMembersJoined() {
        for (GroupMember member : members.values()) {
            if (!rebalance.awaitsJoin(member)) {
                return false;
            }
        }
        return pendingMembers.isEmpty();
    }

    /** The longest rebalance timeout among the members: how long a rebalance waits for rejoins. */
    int rebalanceTimeoutMs() {
        int longest = 0;
        for (GroupMember member : members.values()) {
            longest = Math.max(longest, member.rebalanceTimeoutMs());
        }
        return longest;
    }

    /**
     * Whether a member with this protocol type and these protocols may join: an empty group takes any non-empty
     * offer; otherwise the type must match and at least one protocol must be one every member supports.
     */
    boolean supportsProtocols(String memberProtocolType, List<GroupMember.Protocol> protocols) {
        if (memberProtocolType == null || memberProtocolType.isEmpty() || protocols.isEmpty()) {
            return false;
        }
        if (members.isEmpty()) {
            return true;
        }
        if (!memberProtocolType.equals(protocolType)) {
            return false;
        }
        Set<String> common = commonProtocols();
        for (GroupMember.Protocol protocol : protocols) {
            if (common.contains(protocol.name())) {
                return true;
            }
        }
        return false;
    }

    /** Protocols every member supports, in the first member's order of preference. */
    private Set<String> commonProtocols() {
        Set<String> common = new LinkedHashSet<>();
        Collection<GroupMember> all = members.values();
        if (all.isEmpty()) {
            return common;
        }
        for (GroupMember.Protocol protocol : all.iterator().next().protocols()) {
            common.add(protocol.name());
        }
        for (GroupMember member : all) {
            common.removeIf(name -> !member.supports(name));
        }
        return common;
    }

    /**
     * Kafka's vote: each member votes for its most preferred protocol among those all members support; the most
     * votes wins, ties going to the protocol the first member prefers.
     */
    String selectProtocol() {
        Set<String> common = commonProtocols();
        if (common.isEmpty()) {
            throw new IllegalStateException("Members of group " + groupId + " share no protocol");
        }
        Map<String, Integer> votes = new HashMap<>();
        for (GroupMember member : members.values()) {
            for (GroupMember.Protocol protocol : member.protocols()) {
                if (common.contains(protocol.name())) {
                    votes.merge(protocol.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String winner = null;
        int most = -1;
        for (String candidate : common) {
            int count = votes.getOrDefault(candidate, 0);
            if (count > most) {
                winner = candidate;
                most = count;
            }
        }
        return winner;
    }

    /** Starts the next generation with the current members: COMPLETING_REBALANCE, or EMPTY when none are left. */
    void initNextGeneration() {
        generationId++;
        if (members.isEmpty()) {
            protocolName = null;
            subscribedTopics = Set.of();
            transitionTo(GroupState.EMPTY);
        } else {
            protocolName = selectProtocol();
            subscribedTopics = computeSubscribedTopics();
            transitionTo(GroupState.COMPLETING_REBALANCE);
        }
    }

    /** Whether the current generation may consume the topic (unknown subscriptions count as subscribed). */
    boolean isSubscribedTo(String topic) {
        return subscribedTopics == null || subscribedTopics.contains(topic);
    }

    private Set<String> computeSubscribedTopics() {
        if (!CONSUMER_PROTOCOL_TYPE.equals(protocolType)) {
            return null;
        }
        Set<String> topics = new HashSet<>();
        try {
            for (GroupMember member : members.values()) {
                byte[] metadata = member.metadata(protocolName);
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics());
            }
        } catch (RuntimeException unreadable) {
            return null;
        }
        return topics;
    }

    /** Ids of members that have not rejoined during the current rebalance. */
    List<GroupMember> membersNotRejoined() {
        List<GroupMember> missing = new ArrayList<>();
        for (GroupMember member : members.values()) {
            if (!rebalance.awaitsJoin(member)) {
                missing.add(member);
            }
        }
        return missing;
    }

    Collection<String> pendingMemberIds() {
        return new ArrayList<>(pendingMembers.keySet());
    }
}
