package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.junit.jupiter.api.Test;

class CreatePartitionsHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1);
    private final CreatePartitionsHandler handler = new CreatePartitionsHandler(metadata);

    private CreatePartitionsResponseData grow(int version, boolean validateOnly, CreatePartitionsTopic... topics) {
        CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(1000)
                .setValidateOnly(validateOnly);
        for (CreatePartitionsTopic topic : topics) {
            data.topics().add(topic);
        }
        return wire(await(handler.handle(context(ApiKeys.CREATE_PARTITIONS, version),
                new CreatePartitionsRequest.Builder(data).build((short) version))), version);
    }

    private static CreatePartitionsTopic topic(String name, int count) {
        return new CreatePartitionsTopic().setName(name).setCount(count).setAssignments(null);
    }

    private static CreatePartitionsTopicResult result(CreatePartitionsResponseData response, String name) {
        return response.results().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void growsEachTopicIndependently() {
        metadata.addTopic("a", 1, Map.of());

        CreatePartitionsResponseData response = grow(3, false, topic("a", 3), topic("missing", 2));

        assertThat(result(response, "a").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result(response, "a").errorMessage()).isNull();
        assertThat(metadata.image().topicsByName().get("a").partitions()).hasSize(3);
        assertThat(result(response, "missing").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(result(response, "missing").errorMessage()).isEqualTo("Topic 'missing' does not exist.");
    }

    @Test
    void validateOnlyIsPassedToTheController() {
        metadata.addTopic("a", 1, Map.of());

        assertThat(result(grow(0, true, topic("a", 2)), "a").errorCode()).isEqualTo(Errors.NONE.code());

        assertThat(metadata.calls).containsExactly("createPartitions a 2 validateOnly");
        assertThat(metadata.image().topicsByName().get("a").partitions()).hasSize(1);
    }

    @Test
    void duplicateTopicsAreRefused() {
        metadata.addTopic("a", 1, Map.of());

        CreatePartitionsResponseData response = grow(3, false, topic("a", 2), topic("a", 3));

        assertThat(response.results()).hasSize(1);
        assertThat(result(response, "a").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(metadata.calls).isEmpty();
    }

    @Test
    void assignmentsMustCoverExactlyTheNewPartitionsOnRegisteredBrokers() {
        metadata.addTopic("a", 1, Map.of());
        CreatePartitionsTopic tooFew = topic("a", 3).setAssignments(
                List.of(new CreatePartitionsAssignment().setBrokerIds(List.of(1))));

        CreatePartitionsTopicResult result = result(grow(3, false, tooFew), "a");

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(result.errorMessage())
                .isEqualTo("Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.");

        CreatePartitionsTopic wrongBroker = topic("a", 2).setAssignments(
                List.of(new CreatePartitionsAssignment().setBrokerIds(List.of(9))));
        assertThat(result(grow(3, false, wrongBroker), "a").errorCode())
                .isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());

        CreatePartitionsTopic twoReplicas = topic("a", 2).setAssignments(
                List.of(new CreatePartitionsAssignment().setBrokerIds(List.of(1, 1))));
        assertThat(result(grow(3, false, twoReplicas), "a").errorCode())
                .isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(metadata.calls).isEmpty();

        CreatePartitionsTopic good = topic("a", 2).setAssignments(
                List.of(new CreatePartitionsAssignment().setBrokerIds(List.of(1))));
        assertThat(result(grow(3, false, good), "a").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(metadata.calls).containsExactly("createPartitions a 2 assignment [[1]]");
    }
}
