package io.sluice.group;

import java.util.List;

/**
 * What survives of a classic group across a coordinator change: its generation and, per member, what it joined
 * with and what it was assigned. Written to __consumer_offsets when a rebalance completes and when the group
 * becomes empty; a loading coordinator rebuilds the group from the latest one.
 *
 * @param protocolType          "" when the group never had a member
 * @param protocol              the selected protocol, null for an empty group
 * @param leader                the leader's member id, null for an empty group
 * @param currentStateTimestamp when the group entered its current state, -1 when unknown
 */
public record GroupMetadata(String groupId, String protocolType, int generation, String protocol, String leader,
                            long currentStateTimestamp, List<Member> members) {
    public GroupMetadata {
        members = List.copyOf(members);
    }

    /**
     * One member as stored: subscription is its metadata for the selected protocol.
     *
     * @param groupInstanceId   null for a dynamic member
     * @param rebalanceTimeoutMs -1 when stored by a version that did not keep it
     */
    public record Member(String memberId, String groupInstanceId, String clientId, String clientHost,
                         int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }
}
