package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.quorum.QuorumDescription;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.junit.jupiter.api.Test;

class DescribeQuorumHandlerTest {
    private static final TopicPartition METADATA = new TopicPartition("__cluster_metadata", 0);

    private final FakeMetadata metadata = new FakeMetadata(1, 2, 3);
    private final DescribeQuorumHandler handler = new DescribeQuorumHandler(metadata);

    private DescribeQuorumResponseData describe(int version, TopicPartition partition) {
        return wire(await(handler.handle(context(ApiKeys.DESCRIBE_QUORUM, version), new DescribeQuorumRequest.Builder(
                DescribeQuorumRequest.singletonRequest(partition)).build((short) version))), version);
    }

    private static PartitionData partition(DescribeQuorumResponseData response) {
        assertThat(response.topics()).hasSize(1);
        assertThat(response.topics().get(0).topicName()).isEqualTo("__cluster_metadata");
        assertThat(response.topics().get(0).partitions()).hasSize(1);
        return response.topics().get(0).partitions().get(0);
    }

    @Test
    void reportsTheRaftQuorumAtEveryVersion() {
        metadata.quorum = new QuorumDescription(2, 7, 41, List.of(
                new QuorumDescription.Replica(1, 40, 1_000, 900, "127.0.0.1", 9101),
                new QuorumDescription.Replica(2, 41, -1, 1_100, "127.0.0.1", 9102),
                new QuorumDescription.Replica(3, -1, -1, -1, null, -1)),
                List.of(new QuorumDescription.Replica(4, 41, 1_050, 1_050, "127.0.0.1", 9104)));
        for (int version = 0; version <= 2; version++) {
            DescribeQuorumResponseData response = describe(version, METADATA);

            assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
            PartitionData data = partition(response);
            assertThat(data.partitionIndex()).isZero();
            assertThat(data.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(data.leaderId()).isEqualTo(2);
            assertThat(data.leaderEpoch()).isEqualTo(7);
            assertThat(data.highWatermark()).isEqualTo(41);
            assertThat(data.currentVoters()).extracting(ReplicaState::replicaId).containsExactly(1, 2, 3);
            assertThat(data.currentVoters()).extracting(ReplicaState::logEndOffset).containsExactly(40L, 41L, -1L);
            assertThat(data.observers()).extracting(ReplicaState::replicaId).containsExactly(4);
            if (version >= 1) {
                assertThat(data.currentVoters().get(0).lastFetchTimestamp()).isEqualTo(1_000);
                assertThat(data.currentVoters().get(0).lastCaughtUpTimestamp()).isEqualTo(900);
            }
            if (version >= 2) {
                assertThat(response.nodes()).extracting(DescribeQuorumResponseData.Node::nodeId).containsExactly(1, 2);
                DescribeQuorumResponseData.Listener listener = response.nodes().find(1).listeners().iterator().next();
                assertThat(listener.name()).isEqualTo("CONTROLLER");
                assertThat(listener.host()).isEqualTo("127.0.0.1");
                assertThat(listener.port()).isEqualTo(9101);
            }
        }
    }

    @Test
    void anyOtherPartitionIsUnknown() {
        metadata.quorum = new QuorumDescription(1, 1, 1, List.of(), List.of());

        DescribeQuorumResponseData response = describe(2, new TopicPartition("orders", 0));

        assertThat(response.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(metadata.calls).isEmpty();
    }

    @Test
    void aQuorumThatCannotBeDescribedIsAPartitionError() {
        PartitionData data = partition(describe(1, METADATA));

        assertThat(data.errorCode()).isEqualTo(Errors.NOT_CONTROLLER.code());
        assertThat(data.partitionIndex()).isZero();
    }
}
