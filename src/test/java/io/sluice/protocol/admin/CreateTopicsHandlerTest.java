package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.Test;

class CreateTopicsHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1);
    private final CreateTopicsHandler handler = new CreateTopicsHandler(metadata, AdminTestSupport.topicConfigs(), 3,
            (short) 1);

    private static CreatableTopic topic(String name, int partitions, int replicationFactor) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor((short) replicationFactor);
    }

    private CreateTopicsResponseData create(int version, boolean validateOnly, CreatableTopic... topics) {
        CreateTopicsRequestData data = new CreateTopicsRequestData().setTimeoutMs(1000).setValidateOnly(validateOnly);
        for (CreatableTopic topic : topics) {
            data.topics().add(topic);
        }
        CreateTopicsRequest request = new CreateTopicsRequest.Builder(data).build((short) version);
        return wire(await(handler.handle(context(ApiKeys.CREATE_TOPICS, version), request)), version);
    }

    @Test
    void defaultsResolveFromTheBrokerAndV7ReportsIdCountsAndConfigs() {
        CreatableTopic orders = topic("orders", -1, -1);
        orders.configs().add(new CreatableTopicConfig().setName("retention.ms").setValue("1000"));

        CreatableTopicResult result = create(7, false, orders).topics().find("orders");

        assertThat(metadata.calls).containsExactly("createTopic orders 3 1 {retention.ms=1000}");
        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.errorMessage()).isNull();
        assertThat(result.topicId()).isEqualTo(metadata.image().topicsByName().get("orders").id());
        assertThat(result.numPartitions()).isEqualTo(3);
        assertThat(result.replicationFactor()).isEqualTo((short) 1);
        assertThat(result.configs()).extracting(CreatableTopicConfigs::name)
                .containsExactly("cleanup.policy", "max.message.bytes", "retention.ms", "segment.bytes");
        CreatableTopicConfigs retention = result.configs().get(2);
        assertThat(retention.value()).isEqualTo("1000");
        assertThat(retention.configSource()).isEqualTo(ConfigSource.TOPIC_CONFIG.id());
        assertThat(retention.readOnly()).isFalse();
        assertThat(result.configs().get(0).configSource()).isEqualTo(ConfigSource.DEFAULT_CONFIG.id());
    }

    @Test
    void brokerLevelDefaultIsReportedAsStaticBrokerConfig() {
        CreatableTopicResult result = create(5, false, topic("t", 1, 1)).topics().find("t");

        CreatableTopicConfigs retention = result.configs().stream()
                .filter(c -> c.name().equals("retention.ms")).findFirst().orElseThrow();
        assertThat(retention.value()).isEqualTo("86400000");
        assertThat(retention.configSource()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG.id());
        assertThat(result.topicId()).isEqualTo(Uuid.ZERO_UUID);
    }

    @Test
    void beforeV5OnlyTheErrorIsReported() {
        CreatableTopicResult result = create(4, false, topic("t", 2, 1)).topics().find("t");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.numPartitions()).isEqualTo(-1);
        assertThat(result.configs()).isEmpty();
        assertThat(metadata.image().topicsByName().get("t").partitions()).hasSize(2);
    }

    @Test
    void validateOnlyCreatesNothingButReportsWhatWouldBeCreated() {
        CreatableTopicResult result = create(7, true, topic("t", 4, -1)).topics().find("t");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.numPartitions()).isEqualTo(4);
        assertThat(result.topicId()).isEqualTo(Uuid.ZERO_UUID);
        assertThat(metadata.image().topicsByName()).doesNotContainKey("t");
        assertThat(metadata.calls).containsExactly("createTopic t 4 1 {} validateOnly");
    }

    @Test
    void eachTopicFailsOnItsOwn() {
        metadata.addTopic("exists", 1, java.util.Map.of());
        CreatableTopic badConfig = topic("bad", 1, 1);
        badConfig.configs().add(new CreatableTopicConfig().setName("no.such.key").setValue("x"));

        CreateTopicsResponseData response = create(7, false, topic("exists", 1, 1), badConfig, topic("fine", 1, 1));

        CreatableTopicResult exists = response.topics().find("exists");
        assertThat(exists.errorCode()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS.code());
        assertThat(exists.errorMessage()).isEqualTo("Topic 'exists' already exists.");
        assertThat(exists.numPartitions()).isEqualTo(-1);
        assertThat(exists.configs()).isEmpty();
        CreatableTopicResult bad = response.topics().find("bad");
        assertThat(bad.errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
        assertThat(bad.errorMessage()).isEqualTo("Unknown topic config name: no.such.key");
        assertThat(response.topics().find("fine").errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void duplicateNamesAreRefusedOnceAndNotCreated() {
        CreateTopicsResponseData response = create(7, false, topic("dup", 1, 1), topic("dup", 2, 1), topic("x", 1, 1));

        assertThat(response.topics()).hasSize(2);
        CreatableTopicResult dup = response.topics().find("dup");
        assertThat(dup.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(dup.errorMessage()).isEqualTo("Duplicate topic name.");
        assertThat(metadata.calls).containsExactly("createTopic x 1 1 {}");
    }

    @Test
    void assignmentIsPassedToTheControllerInPartitionOrder() {
        CreatableTopic topic = topic("manual", -1, -1);
        topic.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(1)));
        topic.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1)));

        CreatableTopicResult result = create(7, false, topic).topics().find("manual");

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.numPartitions()).isEqualTo(2);
        assertThat(result.replicationFactor()).isEqualTo((short) 1);
        assertThat(metadata.calls).containsExactly("createTopic manual assignment [[1], [1]] {}");
    }

    @Test
    void assignmentNamingAnUnknownBrokerIsRefused() {
        CreatableTopic topic = topic("manual", -1, -1);
        topic.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(5)));

        CreatableTopicResult result = create(7, false, topic).topics().find("manual");

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());
        assertThat(result.errorMessage())
                .isEqualTo("The manual partition assignment includes broker 5, but no such broker is registered.");
        assertThat(metadata.calls).isEmpty();
    }

    @Test
    void assignmentWithGapsOrRepeatsOrACountIsRefused() {
        CreatableTopic gap = topic("gap", -1, -1);
        gap.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(1)));
        CreatableTopic repeat = topic("repeat", -1, -1);
        repeat.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1, 1)));
        CreatableTopic withCount = topic("count", 2, -1);
        withCount.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1)));

        CreateTopicsResponseData response = create(7, false, gap, repeat, withCount);

        assertThat(response.topics().find("gap").errorMessage())
                .isEqualTo("partitions should be a consecutive 0-based integer sequence");
        assertThat(response.topics().find("repeat").errorMessage())
                .isEqualTo("The manual partition assignment includes the broker 1 more than once.");
        assertThat(response.topics().find("count").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(response.topics().find("gap").errorCode()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT.code());

        assertThat(metadata.calls).isEmpty();
    }

    @Test
    void assignmentOverSeveralBrokersReachesTheControllerAtEveryManualVersion() {
        FakeMetadata twoBrokers = new FakeMetadata(1, 2);
        CreateTopicsHandler handler2 = new CreateTopicsHandler(twoBrokers, AdminTestSupport.topicConfigs(), 1, (short) 1);
        for (short version = 2; version <= 7; version++) {
            CreatableTopic manual = topic("m" + version, -1, -1);
            manual.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(2, 1)));
            manual.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(1, 2)));
            CreateTopicsRequestData data = new CreateTopicsRequestData();
            data.topics().add(manual);
            CreatableTopicResult result = wire(await(handler2.handle(context(ApiKeys.CREATE_TOPICS, version),
                    new CreateTopicsRequest.Builder(data).build(version))), version).topics().find("m" + version);
            assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
            if (version >= 5) {
                assertThat(result.numPartitions()).isEqualTo(2);
                assertThat(result.replicationFactor()).isEqualTo((short) 2);
            }
            assertThat(twoBrokers.calls).last().isEqualTo("createTopic m" + version + " assignment [[2, 1], [1, 2]] {}");
        }
    }

    @Test
    void responseWaitsForEveryTopicWithoutBlocking() {
        CompletableFuture<Uuid> held = new CompletableFuture<>();
        metadata.heldCreations.put("slow", held);
        CreateTopicsRequestData data = new CreateTopicsRequestData();
        data.topics().add(topic("slow", 1, 1));
        data.topics().add(topic("fast", 1, 1));

        CompletableFuture<CreateTopicsResponseData> response = handler.handle(context(ApiKeys.CREATE_TOPICS, 7),
                new CreateTopicsRequest.Builder(data).build((short) 7));

        assertThat(response).isNotDone();
        held.complete(Uuid.ZERO_UUID);
        CreateTopicsResponseData done = await(response);
        assertThat(done.topics()).extracting(CreatableTopicResult::name).containsExactly("slow", "fast");
        assertThat(done.topics()).allMatch(t -> t.errorCode() == Errors.NONE.code());
    }

    @Test
    void anUnexpectedControllerFailureIsAnUnknownServerErrorForThatTopicOnly() {
        CompletableFuture<Uuid> held = new CompletableFuture<>();
        held.completeExceptionally(new IllegalStateException("metadata log unavailable"));
        metadata.heldCreations.put("broken", held);

        CreateTopicsResponseData response = create(7, false, topic("broken", 1, 1), topic("fine", 1, 1));

        assertThat(response.topics().find("broken").errorCode()).isEqualTo(Errors.UNKNOWN_SERVER_ERROR.code());
        assertThat(response.topics().find("broken").errorMessage()).isNull();
        assertThat(response.topics().find("fine").errorCode()).isEqualTo(Errors.NONE.code());
    }
}
