package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;

/**
 * ConsumerGroupDescribe v0-1 (KIP-848): each group's state, epochs, assignor and members with their assignments;
 * GROUP_ID_NOT_FOUND for a classic group, which the admin client then describes with DescribeGroups.
 */
public final class ConsumerGroupDescribeHandler implements ApiHandler<ConsumerGroupDescribeRequest> {
    /** Every operation is allowed while there is no authorizer. */
    private static final int ALL_OPERATIONS = 0b1111_1111_1110;

    private final GroupCoordinator coordinator;

    public ConsumerGroupDescribeHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ConsumerGroupDescribeResponseData> handle(RequestContext context,
                                                                      ConsumerGroupDescribeRequest request) {
        List<CompletableFuture<DescribedGroup>> described = new ArrayList<>();
        for (String groupId : request.data().groupIds()) {
            described.add(coordinator.describeConsumerGroup(groupId));
        }
        boolean operations = request.data().includeAuthorizedOperations();
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(done -> {
            ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
            for (CompletableFuture<DescribedGroup> group : described) {
                DescribedGroup value = group.join();
                if (operations) {
                    value.setAuthorizedOperations(ALL_OPERATIONS);
                }
                response.groups().add(value);
            }
            return response;
        });
    }
}
