package io.sluice.group.share;

import io.sluice.group.consumer.Assignments;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * One member of a KIP-932 share group: what it heartbeats with and the partitions it is assigned. A share group
 * has no revocation: partitions are shared, and which member gets which record is decided per record at fetch
 * time, so a member simply takes its new assignment at its epoch. Immutable.
 */
public record ShareGroupMember(String memberId, String rackId, String clientId, String clientHost,
                               List<String> subscribedTopicNames, int memberEpoch,
                               Map<Uuid, Set<Integer>> assignment) {
    public ShareGroupMember {
        subscribedTopicNames = List.copyOf(subscribedTopicNames);
        assignment = Assignments.copyOf(assignment);
    }

    public ShareGroupMember withSubscription(String newRackId, String newClientId, String newClientHost,
                                             List<String> topics) {
        return new ShareGroupMember(memberId, newRackId != null ? newRackId : rackId, newClientId, newClientHost,
                topics != null ? topics : subscribedTopicNames, memberEpoch, assignment);
    }

    public ShareGroupMember withAssignment(int epoch, Map<Uuid, Set<Integer>> partitions) {
        return new ShareGroupMember(memberId, rackId, clientId, clientHost, subscribedTopicNames, epoch, partitions);
    }
}
