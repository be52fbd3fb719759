package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.junit.jupiter.api.Test;

class ElectLeadersHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1, 2);
    private final ElectLeadersHandler handler = new ElectLeadersHandler(metadata);

    private ElectLeadersResponseData elect(int version, ElectionType type, List<TopicPartition> partitions) {
        ElectLeadersRequest request = new ElectLeadersRequest.Builder(type, partitions, 1000).build((short) version);
        return wire(await(handler.handle(context(ApiKeys.ELECT_LEADERS, version), request)), version);
    }

    private static PartitionResult result(ElectLeadersResponseData response, String topic, int partition) {
        ReplicaElectionResult byTopic = response.replicaElectionResults().stream()
                .filter(r -> r.topic().equals(topic)).findFirst().orElseThrow();
        return byTopic.partitionResult().stream().filter(p -> p.partitionId() == partition).findFirst().orElseThrow();
    }

    @Test
    void perPartitionResultsAtEveryVersion() {
        metadata.electionResults.put(new TopicPartition("a", 1),
                new ApiError(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "Replica 2 of a-1 is not live"));
        metadata.electionResults.put(new TopicPartition("gone", 0),
                new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition gone-0 does not exist."));
        for (int version = 0; version <= 2; version++) {
            ElectLeadersResponseData response = elect(version, ElectionType.PREFERRED, List.of(
                    new TopicPartition("a", 0), new TopicPartition("a", 1), new TopicPartition("gone", 0)));

            assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(result(response, "a", 0).errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(result(response, "a", 0).errorMessage()).isNull();
            assertThat(result(response, "a", 1).errorCode()).isEqualTo(Errors.PREFERRED_LEADER_NOT_AVAILABLE.code());
            assertThat(result(response, "a", 1).errorMessage()).isEqualTo("Replica 2 of a-1 is not live");
            assertThat(result(response, "gone", 0).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }

    @Test
    void v0IsAlwaysPreferredAndLaterVersionsPassTheType() {
        elect(0, ElectionType.PREFERRED, List.of(new TopicPartition("a", 0)));
        elect(1, ElectionType.UNCLEAN, List.of(new TopicPartition("a", 0)));

        assertThat(metadata.calls).containsExactly("electLeaders PREFERRED [a-0]", "electLeaders UNCLEAN [a-0]");
    }

    @Test
    void nullPartitionsMeansEveryPartitionAndReportsOnlyTheAttemptedOnes() {
        metadata.electionResults.put(new TopicPartition("b", 2),
                new ApiError(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, "No live replica of b-2 can lead."));

        ElectLeadersResponseData response = elect(2, ElectionType.UNCLEAN, null);

        assertThat(metadata.calls).containsExactly("electLeaders UNCLEAN all");
        assertThat(response.replicaElectionResults()).hasSize(1);
        assertThat(result(response, "b", 2).errorCode()).isEqualTo(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE.code());
    }

    @Test
    void aFailedElectionIsReportedForEveryRequestedPartition() {
        metadata.failElections = true;

        ElectLeadersResponseData response = elect(2, ElectionType.PREFERRED,
                List.of(new TopicPartition("a", 0), new TopicPartition("a", 1)));

        assertThat(result(response, "a", 0).errorCode()).isEqualTo(Errors.NOT_CONTROLLER.code());
        assertThat(result(response, "a", 1).errorCode()).isEqualTo(Errors.NOT_CONTROLLER.code());
    }
}
