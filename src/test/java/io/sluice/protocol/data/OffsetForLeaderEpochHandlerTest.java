package io.sluice.protocol.data;

import static io.sluice.protocol.data.EpochTestBroker.context;
import static io.sluice.protocol.data.EpochTestBroker.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OffsetsForLeaderEpoch at every registered version (2-4): epoch ends, fencing and leadership errors. */
class OffsetForLeaderEpochHandlerTest {
    @TempDir
    Path dir;
    private EpochTestBroker broker;
    private OffsetForLeaderEpochHandler handler;

    @BeforeEach
    void start() {
        broker = new EpochTestBroker(dir);
        handler = new OffsetForLeaderEpochHandler(broker.partitions);
        // Offsets 0-2 written in epoch 1, 3-4 in epoch 3; this node now leads in epoch 5 from offset 5.
        broker.setLeaderEpoch(1);
        broker.write(1, "a", "b", "c");
        broker.write(3, "d", "e");
        broker.setLeaderEpoch(5);
        broker.log().assignLeaderEpoch(5);
        broker.write(5, "f");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private EpochEndOffset ask(int version, String topic, int partition, int currentLeaderEpoch, int leaderEpoch) {
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        OffsetForLeaderTopic requested = new OffsetForLeaderTopic().setTopic(topic);
        requested.partitions().add(new OffsetForLeaderPartition().setPartition(partition)
                .setCurrentLeaderEpoch(currentLeaderEpoch).setLeaderEpoch(leaderEpoch));
        data.topics().add(requested);
        OffsetsForLeaderEpochRequest request = new OffsetsForLeaderEpochRequest(data, (short) version);
        var future = handler.handle(context(ApiKeys.OFFSET_FOR_LEADER_EPOCH, version), request);
        assertThat(future).succeedsWithin(Duration.ofSeconds(5));
        OffsetForLeaderEpochResponseData response = wire(future.join(), version);
        assertThat(response.topics()).hasSize(1);
        assertThat(response.topics().iterator().next().topic()).isEqualTo(topic);
        EpochEndOffset result = response.topics().iterator().next().partitions().get(0);
        assertThat(result.partition()).isEqualTo(partition);
        return result;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void answersWhereEachEpochEnds(int version) {
        EpochEndOffset current = ask(version, "t", 0, 5, 5);
        EpochEndOffset older = ask(version, "t", 0, 5, 3);
        EpochEndOffset unknownBetween = ask(version, "t", 0, 5, 2);
        EpochEndOffset belowAll = ask(version, "t", 0, -1, 0);

        assertThat(current.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(current.leaderEpoch()).isEqualTo(5);
        assertThat(current.endOffset()).isEqualTo(6);
        assertThat(older.leaderEpoch()).isEqualTo(3);
        assertThat(older.endOffset()).isEqualTo(5);
        assertThat(unknownBetween.leaderEpoch()).isEqualTo(1);
        assertThat(unknownBetween.endOffset()).isEqualTo(3);
        assertThat(belowAll.leaderEpoch()).isEqualTo(0);
        assertThat(belowAll.endOffset()).isEqualTo(0);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void anEpochAboveEveryKnownOneHasNoEnd(int version) {
        broker.setLeaderEpoch(7);

        EpochEndOffset result = ask(version, "t", 0, 7, 8);

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.leaderEpoch()).isEqualTo(-1);
        assertThat(result.endOffset()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void theCurrentLeaderEpochIsCheckedBeforeAnything(int version) {
        EpochEndOffset fenced = ask(version, "t", 0, 4, 3);
        EpochEndOffset unknown = ask(version, "t", 0, 6, 3);
        EpochEndOffset currentEpochOfAPartitionLedElsewhere = ask(version, "t", 1, 0, 0);

        assertThat(fenced.errorCode()).isEqualTo(Errors.FENCED_LEADER_EPOCH.code());
        assertThat(fenced.endOffset()).isEqualTo(-1);
        assertThat(unknown.errorCode()).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());
        assertThat(currentEpochOfAPartitionLedElsewhere.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void otherLeadersAndUnknownPartitionsAreErrors(int version) {
        EpochEndOffset notLeader = ask(version, "t", 1, -1, 0);
        EpochEndOffset noPartition = ask(version, "t", 9, -1, 0);
        EpochEndOffset noTopic = ask(version, "nope", 0, -1, 0);

        assertThat(notLeader.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(noPartition.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(noTopic.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(noTopic.leaderEpoch()).isEqualTo(-1);
    }

    @Test
    void theRegisteredVersionsAreTheOnesTheCodecKnows() {
        assertThat(ApiKeys.OFFSET_FOR_LEADER_EPOCH.oldestVersion()).isEqualTo((short) 2);
        assertThat(ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion()).isEqualTo((short) 4);
    }
}
