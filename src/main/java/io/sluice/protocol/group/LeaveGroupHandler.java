package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.LeaveGroupRequest;

/**
 * LeaveGroup v0-5. v0-2 name one member and get one error; v3+ name a batch (static members by instance id)
 * and get an error per member.
 */
public final class LeaveGroupHandler implements ApiHandler<LeaveGroupRequest> {
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<LeaveGroupResponseData> handle(RequestContext context, LeaveGroupRequest request) {
        short version = context.apiVersion();
        List<MemberIdentity> leaving = version >= 3 ? request.data().members()
                : List.of(new MemberIdentity().setMemberId(request.data().memberId()));
        return coordinator.leaveGroup(request.data().groupId(), leaving).thenApply(response -> {
            if (version < 3) {
                if (response.errorCode() == Errors.NONE.code()) {
                    for (MemberResponse member : response.members()) {
                        response.setErrorCode(member.errorCode());
                    }
                }
                response.members().clear();
            }
            return response;
        });
    }
}
