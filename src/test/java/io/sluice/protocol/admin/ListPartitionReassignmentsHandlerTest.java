package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.metadata.PartitionImage;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;
import org.junit.jupiter.api.Test;

class ListPartitionReassignmentsHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1, 2, 3);
    private final ListPartitionReassignmentsHandler handler = new ListPartitionReassignmentsHandler(metadata);

    ListPartitionReassignmentsHandlerTest() {
        metadata.addTopic("a", 3, Map.of());
        metadata.addTopic("b", 1, Map.of());
        metadata.putPartition("a", new PartitionImage(1, List.of(2, 3, 1), List.of(1, 2), 1, 0, 1, List.of(3),
                List.of(1)));
    }

    private ListPartitionReassignmentsResponseData list(ListPartitionReassignmentsRequestData data) {
        return wire(await(handler.handle(context(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0),
                new ListPartitionReassignmentsRequest.Builder(data).build((short) 0))), 0);
    }

    @Test
    void listsEveryOngoingReassignmentForANullTopicList() {
        ListPartitionReassignmentsResponseData response = list(new ListPartitionReassignmentsRequestData()
                .setTopics(null));

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.topics()).extracting(OngoingTopicReassignment::name).containsExactly("a");
        OngoingPartitionReassignment ongoing = response.topics().get(0).partitions().get(0);
        assertThat(ongoing.partitionIndex()).isEqualTo(1);
        assertThat(ongoing.replicas()).containsExactly(2, 3, 1);
        assertThat(ongoing.addingReplicas()).containsExactly(3);
        assertThat(ongoing.removingReplicas()).containsExactly(1);
    }

    @Test
    void requestedPartitionsWithoutAReassignmentOrUnknownAreLeftOut() {
        ListPartitionReassignmentsRequestData data = new ListPartitionReassignmentsRequestData();
        data.setTopics(List.of(
                new ListPartitionReassignmentsTopics().setName("a").setPartitionIndexes(List.of(0, 1, 7)),
                new ListPartitionReassignmentsTopics().setName("b").setPartitionIndexes(List.of(0)),
                new ListPartitionReassignmentsTopics().setName("gone").setPartitionIndexes(List.of(0))));

        ListPartitionReassignmentsResponseData response = list(data);

        assertThat(response.topics()).hasSize(1);
        assertThat(response.topics().get(0).partitions()).extracting(OngoingPartitionReassignment::partitionIndex)
                .containsExactly(1);
    }

    @Test
    void nothingToListWhenNoReassignmentRuns() {
        metadata.putPartition("a", new PartitionImage(1, List.of(2, 3), List.of(2, 3), 2, 1, 2));

        assertThat(list(new ListPartitionReassignmentsRequestData().setTopics(null)).topics()).isEmpty();
    }
}
