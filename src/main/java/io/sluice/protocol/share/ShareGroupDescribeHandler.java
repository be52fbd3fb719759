package io.sluice.protocol.share;

import io.sluice.group.GroupCoordinator;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.requests.ShareGroupDescribeRequest;

/** ShareGroupDescribe v1 (KIP-932): each share group's state, epoch and members with their assignments. */
public final class ShareGroupDescribeHandler implements ApiHandler<ShareGroupDescribeRequest> {
    private final GroupCoordinator coordinator;

    public ShareGroupDescribeHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ShareGroupDescribeResponseData> handle(RequestContext context,
                                                                   ShareGroupDescribeRequest request) {
        List<CompletableFuture<DescribedGroup>> described = new ArrayList<>();
        for (String groupId : request.data().groupIds()) {
            described.add(coordinator.describeShareGroup(groupId));
        }
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(done -> {
            ShareGroupDescribeResponseData response = new ShareGroupDescribeResponseData();
            described.forEach(group -> response.groups().add(group.join()));
            return response;
        });
    }
}
