package io.sluice.protocol.group;

import io.sluice.group.GroupCoordinator;
import io.sluice.group.GroupCoordinator.GroupListing;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListGroupsRequest;

/** ListGroups v0-5, with v4's states filter and v5's types filter ("classic", "consumer"). */
public final class ListGroupsHandler implements ApiHandler<ListGroupsRequest> {

    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<ListGroupsResponseData> handle(RequestContext context, ListGroupsRequest request) {
        List<String> states = lowerCase(request.data().statesFilter());
        List<String> types = lowerCase(request.data().typesFilter());
        ListGroupsResponseData response = new ListGroupsResponseData().setErrorCode(Errors.NONE.code());
        return coordinator.listGroups().thenApply(listings -> {
            listings.sort(Comparator.comparing(GroupListing::groupId));
            for (GroupListing listing : listings) {
                String state = listing.state();
                if ((!states.isEmpty() && !states.contains(state.toLowerCase(Locale.ROOT)))
                        || (!types.isEmpty() && !types.contains(listing.type()))) {
                    continue;
                }
                response.groups().add(new ListedGroup().setGroupId(listing.groupId())
                        .setProtocolType(listing.protocolType()).setGroupState(state)
                        .setGroupType(listing.type()));
            }
            return response;
        });
    }

    private static List<String> lowerCase(List<String> values) {
        return values == null ? List.of() : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
    }
}
