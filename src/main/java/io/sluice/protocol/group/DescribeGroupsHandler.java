package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.group.GroupState;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.utils.Utils;

/**
 * DescribeGroups v0-6. An unknown group is reported as Dead before v6 and as GROUP_ID_NOT_FOUND from v6, as
 * Kafka does.
 */
public final class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequest> {
    /** There is no authorizer: a client may do everything Kafka defines for a group. */
    static final int ALL_GROUP_OPERATIONS = Utils.to32BitField(Set.of(AclOperation.READ.code(),
            AclOperation.DESCRIBE.code(), AclOperation.DELETE.code()));

    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<DescribeGroupsResponseData> handle(RequestContext context, DescribeGroupsRequest request) {
        short version = context.apiVersion();
        boolean withOperations = version >= 3 && request.data().includeAuthorizedOperations();
        List<CompletableFuture<DescribedGroup>> lookups = new ArrayList<>();
        for (String groupId : request.data().groups()) {
            lookups.add(coordinator.describeGroup(groupId));
        }
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(done -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData();
            for (int i = 0; i < lookups.size(); i++) {
                response.groups().add(answer(request.data().groups().get(i), lookups.get(i).join(), version,
                        withOperations));
            }
            return response;
        });
    }

    /** The coordinator's description, or the answer Kafka gives for a group that does not exist. */
    private static DescribedGroup answer(String groupId, DescribedGroup found, short version, boolean withOperations) {
        if (found == null) {
            DescribedGroup missing = new DescribedGroup().setGroupId(groupId).setGroupState(GroupState.DEAD.kafkaName())
                    .setProtocolType("").setProtocolData("");
            if (version >= 6) {
                missing.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + groupId + " not found.");
            }
            return missing;
        }
        if (withOperations) {
            found.setAuthorizedOperations(ALL_GROUP_OPERATIONS);
        }
        return found;
    }
}
