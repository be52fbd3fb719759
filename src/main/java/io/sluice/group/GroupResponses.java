package io.sluice.group;

import static io.sluice.util.Futures.unwrap;

import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/** The group coordinator's responses and error mappings, shared by its parts. Stateless. */
final class GroupResponses {
    private GroupResponses() {
    }

    /** Call in the group's event: the members' metadata is read from the group. */
    static JoinGroupResponseData joinResponse(ClassicGroup group, GroupMember member, String leaderId,
                                              boolean withMembers) {
        JoinGroupResponseData response = new JoinGroupResponseData().setErrorCode(Errors.NONE.code())
                .setGenerationId(group.generationId()).setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName()).setLeader(leaderId).setMemberId(member.memberId());
        if (withMembers) {
            for (GroupMember each : group.members()) {
                response.members().add(new JoinGroupResponseMember().setMemberId(each.memberId())
                        .setGroupInstanceId(each.groupInstanceId()).setMetadata(each.metadata(group.protocolName())));
            }
        }
        return response;
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1).setMemberId(memberId)
                .setLeader("").setProtocolName(null);
    }

    static SyncGroupResponseData syncResponse(ClassicGroup group, byte[] assignment) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code()).setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName()).setAssignment(assignment);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(GroupMember.NO_BYTES);
    }

    /** A failure to store group metadata as the leader's SyncGroup should see it, mapped as Kafka maps it. */
    static Errors groupStoreError(Throwable failure) {
        Errors error = Errors.forException(unwrap(failure));
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case REQUEST_TIMED_OUT -> Errors.REBALANCE_IN_PROGRESS;
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS -> error;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }

    /** A store failure as a committing client should see it, mapped as Kafka maps offset-log append errors. */
    static Errors storeError(Throwable failure) {
        Errors error = Errors.forException(unwrap(failure));
        return switch (error) {
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS -> error;
            default -> Errors.COORDINATOR_NOT_AVAILABLE;
        };
    }
}
