package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.junit.jupiter.api.Test;

class DeleteTopicsHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1);
    private final DeleteTopicsHandler handler = new DeleteTopicsHandler(metadata);

    private DeleteTopicsResponseData deleteByName(int version, String... names) {
        DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTopicNames(List.of(names)).setTimeoutMs(1000);
        return wire(await(handler.handle(context(ApiKeys.DELETE_TOPICS, version),
                new DeleteTopicsRequest.Builder(data).build((short) version))), version);
    }

    private DeleteTopicsResponseData deleteV6(DeleteTopicState... topics) {
        DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTopics(List.of(topics)).setTimeoutMs(1000);
        return wire(await(handler.handle(context(ApiKeys.DELETE_TOPICS, 6),
                new DeleteTopicsRequest.Builder(data).build((short) 6))), 6);
    }

    private static DeletableTopicResult only(DeleteTopicsResponseData response) {
        assertThat(response.responses()).hasSize(1);
        return response.responses().iterator().next();
    }

    @Test
    void deletesByNameAndReportsUnknownNames() {
        metadata.addTopic("a", 1, Map.of());

        DeleteTopicsResponseData response = deleteByName(5, "a", "missing");

        assertThat(response.responses().find("a").errorCode()).isEqualTo(Errors.NONE.code());
        DeletableTopicResult missing = response.responses().find("missing");
        assertThat(missing.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(missing.errorMessage()).isEqualTo("Topic 'missing' does not exist.");
        assertThat(metadata.image().topicsByName()).isEmpty();
        assertThat(metadata.calls).containsExactly("deleteTopic a");
    }

    @Test
    void beforeV5NoMessageIsSent() {
        DeletableTopicResult missing = only(deleteByName(4, "missing"));

        assertThat(missing.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(missing.errorMessage()).isNull();
    }

    @Test
    void v6DeletesByIdAndReportsTheName() {
        Uuid id = metadata.addTopic("by-id", 1, Map.of()).id();

        DeletableTopicResult result = only(deleteV6(new DeleteTopicState().setTopicId(id)));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.name()).isEqualTo("by-id");
        assertThat(result.topicId()).isEqualTo(id);
        assertThat(metadata.calls).containsExactly("deleteTopic by-id");
    }

    @Test
    void v6ByNameReportsTheId() {
        Uuid id = metadata.addTopic("named", 1, Map.of()).id();

        DeletableTopicResult result = only(deleteV6(new DeleteTopicState().setName("named")));

        assertThat(result.topicId()).isEqualTo(id);
        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
    }

    @Test
    void unknownIdIsUnknownTopicId() {
        Uuid id = new Uuid(42, 42);

        DeletableTopicResult result = only(deleteV6(new DeleteTopicState().setTopicId(id)));

        assertThat(result.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
        assertThat(result.name()).isNull();
        assertThat(result.topicId()).isEqualTo(id);
    }

    @Test
    void malformedAndRepeatedEntriesAreRefusedWhileOthersAreDeleted() {
        Uuid fooId = metadata.addTopic("foo", 1, Map.of()).id();
        Uuid barId = metadata.addTopic("bar", 1, Map.of()).id();
        metadata.addTopic("keep", 1, Map.of());
        metadata.addTopic("gone", 1, Map.of());

        DeleteTopicsResponseData response = deleteV6(
                new DeleteTopicState().setName(null).setTopicId(Uuid.ZERO_UUID),
                new DeleteTopicState().setName("foo").setTopicId(fooId),
                new DeleteTopicState().setName("keep"),
                new DeleteTopicState().setName("keep"),
                new DeleteTopicState().setTopicId(barId),
                new DeleteTopicState().setTopicId(barId),
                new DeleteTopicState().setName("gone"));

        assertThat(response.responses()).extracting(DeletableTopicResult::errorMessage).containsExactlyInAnyOrder(
                "Neither topic name nor id were specified.",
                "You may not specify both topic name and topic id.",
                "Duplicate topic name.",
                "Duplicate topic id.",
                null);
        assertThat(response.responses().find("gone").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(metadata.calls).containsExactly("deleteTopic gone");
    }

    @Test
    void nameThatMapsToAnIdAlreadyGivenIsRefused() {
        Uuid id = metadata.addTopic("t", 1, Map.of()).id();

        DeletableTopicResult result = only(deleteV6(new DeleteTopicState().setTopicId(id),
                new DeleteTopicState().setName("t")));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(result.errorMessage()).isEqualTo("The provided topic name maps to an ID that was already supplied.");
        assertThat(metadata.calls).isEmpty();
    }
}
