package io.sluice.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class CoordinatorOwnershipTest {
    private static final int PARTITIONS = 10;
    private static final String GROUP = "billing";
    private static final int GROUP_PARTITION = CoordinatorOwnership.partitionFor(GROUP, PARTITIONS);

    private final CoordinatorOwnership ownership = new CoordinatorOwnership();

    @Test
    void beforeTheOffsetsTopicIsKnownEveryGroupIsLoading() {
        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(ownership.partitionFor(GROUP)).isEqualTo(-1);

        ownership.start(PARTITIONS);

        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(ownership.partitionFor(GROUP)).isEqualTo(GROUP_PARTITION);
    }

    @Test
    void aGroupIsLoadingFromLeadershipUntilItsLoadCompletesAndGoesWithLeadership() {
        ownership.start(PARTITIONS);

        assertThat(ownership.beginLoad(GROUP_PARTITION, 4)).isTrue();
        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(ownership.state(GROUP_PARTITION)).isEqualTo(CoordinatorOwnership.State.LOADING);

        assertThat(ownership.completeLoad(GROUP_PARTITION, 4)).isTrue();
        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.NONE);
        assertThat(ownership.state(GROUP_PARTITION)).isEqualTo(CoordinatorOwnership.State.LOADED);

        assertThat(ownership.unload(GROUP_PARTITION)).isTrue();
        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(ownership.state(GROUP_PARTITION)).isNull();
        assertThat(ownership.unload(GROUP_PARTITION)).as("nothing left to unload").isFalse();
    }

    @Test
    void theSameEpochLoadsOnceAndALaterEpochLoadsAgain() {
        ownership.start(PARTITIONS);
        ownership.beginLoad(GROUP_PARTITION, 4);
        ownership.completeLoad(GROUP_PARTITION, 4);

        assertThat(ownership.beginLoad(GROUP_PARTITION, 4)).as("same leadership, already loaded").isFalse();
        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.NONE);

        assertThat(ownership.beginLoad(GROUP_PARTITION, 6)).as("led again after someone else").isTrue();
        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThat(ownership.leaderEpoch(GROUP_PARTITION)).isEqualTo(6);
    }

    @Test
    void aLoadThatLostItsLeadershipMeanwhileDoesNotServeTheGroup() {
        ownership.start(PARTITIONS);
        ownership.beginLoad(GROUP_PARTITION, 4);
        ownership.unload(GROUP_PARTITION);

        assertThat(ownership.completeLoad(GROUP_PARTITION, 4)).isFalse();
        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.NOT_COORDINATOR);

        ownership.beginLoad(GROUP_PARTITION, 7);
        assertThat(ownership.completeLoad(GROUP_PARTITION, 4)).as("a stale epoch's load").isFalse();
        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
    }

    @Test
    void onlyTheGroupsOfLedPartitionsAreServed() {
        ownership.start(PARTITIONS);
        ownership.beginLoad(GROUP_PARTITION, 1);
        ownership.completeLoad(GROUP_PARTITION, 1);
        String elsewhere = java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "group-" + i)
                .filter(g -> CoordinatorOwnership.partitionFor(g, PARTITIONS) != GROUP_PARTITION).findFirst().orElseThrow();

        assertThat(ownership.errorFor(GROUP)).isEqualTo(Errors.NONE);
        assertThat(ownership.errorFor(elsewhere)).isEqualTo(Errors.NOT_COORDINATOR);
    }
}
