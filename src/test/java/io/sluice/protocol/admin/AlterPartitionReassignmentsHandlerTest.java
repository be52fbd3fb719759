package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.junit.jupiter.api.Test;

class AlterPartitionReassignmentsHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1, 2, 3);
    private final AlterPartitionReassignmentsHandler handler = new AlterPartitionReassignmentsHandler(metadata);

    private AlterPartitionReassignmentsResponseData alter(int version, AlterPartitionReassignmentsRequestData data) {
        return wire(await(handler.handle(context(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, version),
                new AlterPartitionReassignmentsRequest.Builder(data).build((short) version))), version);
    }

    private static ReassignablePartitionResponse result(AlterPartitionReassignmentsResponseData response,
                                                        String topic, int partition) {
        return response.responses().stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow()
                .partitions().stream().filter(p -> p.partitionIndex() == partition).findFirst().orElseThrow();
    }

    private static AlterPartitionReassignmentsRequestData request() {
        AlterPartitionReassignmentsRequestData data = new AlterPartitionReassignmentsRequestData().setTimeoutMs(1000);
        data.topics().add(new ReassignableTopic().setName("a").setPartitions(List.of(
                new ReassignablePartition().setPartitionIndex(0).setReplicas(List.of(2, 3)),
                new ReassignablePartition().setPartitionIndex(1).setReplicas(null))));
        data.topics().add(new ReassignableTopic().setName("gone").setPartitions(List.of(
                new ReassignablePartition().setPartitionIndex(0).setReplicas(List.of(1)))));
        return data;
    }

    @Test
    void startsAndCancelsPerPartitionAtEveryVersion() {
        metadata.addTopic("a", 2, Map.of());
        for (int version = 0; version <= 1; version++) {
            AlterPartitionReassignmentsResponseData response = alter(version, request());

            assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(response.errorMessage()).isNull();
            assertThat(result(response, "a", 0).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(result(response, "a", 1).errorCode()).isEqualTo(Errors.NO_REASSIGNMENT_IN_PROGRESS.code());
            assertThat(result(response, "gone", 0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(result(response, "gone", 0).errorMessage()).isEqualTo("Unable to find partition gone-0.");
        }
        assertThat(metadata.calls.get(0)).isEqualTo(
                "alterPartitionReassignments {a-0=Optional[[2, 3]], a-1=Optional.empty, gone-0=Optional[[1]]}");
    }

    @Test
    void v1PassesAndEchoesAllowReplicationFactorChange() {
        metadata.addTopic("a", 2, Map.of());

        AlterPartitionReassignmentsResponseData response = alter(1,
                request().setAllowReplicationFactorChange(false));

        assertThat(response.allowReplicationFactorChange()).isFalse();
        assertThat(metadata.calls.get(0)).endsWith(" fixedRf");
    }
}
