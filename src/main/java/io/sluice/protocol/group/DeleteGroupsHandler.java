package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.requests.DeleteGroupsRequest;

/** DeleteGroups v0-2: each group separately; only empty groups can be deleted. */
public final class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest> {
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<DeleteGroupsResponseData> handle(RequestContext context, DeleteGroupsRequest request) {
        List<String> groupIds = new ArrayList<>(new LinkedHashSet<>(request.data().groupsNames()));
        List<CompletableFuture<DeletableGroupResult>> results = new ArrayList<>();
        for (String groupId : groupIds) {
            results.add(coordinator.deleteGroup(groupId)
                    .thenApply(error -> new DeletableGroupResult().setGroupId(groupId).setErrorCode(error.code())));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            for (CompletableFuture<DeletableGroupResult> result : results) {
                response.results().add(result.join());
            }
            return response;
        });
    }
}
