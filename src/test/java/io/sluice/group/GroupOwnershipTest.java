package io.sluice.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The coordinator serves only the groups it owns: requests for the others are answered NOT_COORDINATOR (or
 * COORDINATOR_LOAD_IN_PROGRESS while loading), and unloading a group sends its waiting members away and stops its
 * timers. Driven with a manual clock; nothing sleeps.
 */
@Timeout(10)
class GroupOwnershipTest {
    private static final String GROUP = "payments";
    private static final String OTHER = "shipping";
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 30_000;

    /** Ownership a test sets group by group; groups not mentioned are served here. */
    private final Map<String, Errors> notHere = new HashMap<>();
    private final ManualGroupTimer timer = new ManualGroupTimer();
    private final InMemoryOffsetStore store = new InMemoryOffsetStore();
    private final GroupCoordinator coordinator = new GroupCoordinator(store, timer, new GroupConfig(0, 1000, 60_000, 100),
            groupId -> notHere.getOrDefault(groupId, Errors.NONE), Runnable::run);

    @Test
    void everyGroupRequestForAGroupCoordinatedElsewhereIsAnsweredNotCoordinator() {
        notHere.put(GROUP, Errors.NOT_COORDINATOR);

        assertThat(Errors.forCode(join(GROUP, "").join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(Errors.forCode(coordinator.syncGroup(new SyncGroupRequestData().setGroupId(GROUP).setMemberId("m")
                .setGenerationId(1)).join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(coordinator.heartbeat(new HeartbeatRequestData().setGroupId(GROUP).setMemberId("m")
                .setGenerationId(1)).join()).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(Errors.forCode(coordinator.leaveGroup(GROUP, List.of(new MemberIdentity().setMemberId("m"))).join()
                .errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(commitErrors(commit(GROUP, -1, "", 5))).containsOnly(Errors.NOT_COORDINATOR);
        assertThatThrownBy(() -> coordinator.committedOffsets(GROUP)).isInstanceOf(NotCoordinatorException.class);
        assertThat(Errors.forCode(coordinator.deleteOffsets(new OffsetDeleteRequestData().setGroupId(GROUP)).join()
                .errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(Errors.forCode(coordinator.describeGroup(GROUP).join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(coordinator.deleteGroup(GROUP).join()).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(store.fetch(GROUP)).as("nothing was written").isEmpty();
        assertThat(coordinator.groupState(GROUP).join()).as("nothing was created").isNull();
    }

    @Test
    void aLoadingGroupIsAnsweredLoadInProgressAndServedOnceLoaded() {
        notHere.put(GROUP, Errors.COORDINATOR_LOAD_IN_PROGRESS);

        assertThat(commitErrors(commit(GROUP, -1, "", 5))).containsOnly(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        assertThatThrownBy(() -> coordinator.committedOffsets(GROUP)).isInstanceOf(CoordinatorLoadInProgressException.class);
        assertThat(Errors.forCode(join(GROUP, "").join().errorCode())).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);

        notHere.remove(GROUP);

        assertThat(commitErrors(commit(GROUP, -1, "", 5))).containsOnly(Errors.NONE);
        assertThat(coordinator.committedOffsets(GROUP)).containsKey(new TopicPartition("t", 0));
    }

    @Test
    void unloadingAnswersWaitingJoinsNotCoordinatorAndStopsTheGroupsTimers() {
        JoinGroupResponseData first = joinWithId(GROUP);
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.NONE);
        int generation = first.generationId();
        // A second member arrives: the first must rejoin, and the second's JoinGroup waits for it.
        CompletableFuture<JoinGroupResponseData> waiting = join(GROUP, newMemberId(GROUP));
        assertThat(waiting).isNotDone();
        JoinGroupResponseData other = joinWithId(OTHER);
        assertThat(timer.pendingTasks()).isPositive();

        notHere.put(GROUP, Errors.NOT_COORDINATOR);
        int unloaded = coordinator.unloadGroups(GROUP::equals);

        assertThat(unloaded).isEqualTo(1);
        assertThat(waiting).isCompleted();
        assertThat(Errors.forCode(waiting.join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(coordinator.heartbeat(new HeartbeatRequestData().setGroupId(GROUP).setMemberId(first.memberId())
                .setGenerationId(generation)).join()).isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(coordinator.groupState(GROUP).join()).as("forgotten here").isNull();
        // The other group is untouched and still served.
        assertThat(coordinator.heartbeat(new HeartbeatRequestData().setGroupId(OTHER).setMemberId(other.memberId())
                .setGenerationId(other.generationId())).join()).isEqualTo(Errors.NONE);
        assertThat(coordinator.groupState(OTHER).join()).isEqualTo(GroupState.STABLE);

        // Only the other group's session timer is left; the unloaded group's members never time out here.
        coordinator.unloadGroups(OTHER::equals);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void unloadingAnswersAWaitingSyncNotCoordinator() {
        JoinGroupResponseData leader = joinWithId(GROUP);
        CompletableFuture<JoinGroupResponseData> follower = join(GROUP, newMemberId(GROUP));
        JoinGroupResponseData rejoined = join(GROUP, leader.memberId()).join();
        assertThat(follower.join().generationId()).isEqualTo(rejoined.generationId());
        // The follower's SyncGroup waits for the leader's assignment, which never comes.
        CompletableFuture<SyncGroupResponseData> sync = coordinator.syncGroup(new SyncGroupRequestData().setGroupId(GROUP)
                .setMemberId(follower.join().memberId()).setGenerationId(rejoined.generationId()));
        assertThat(sync).isNotDone();

        notHere.put(GROUP, Errors.NOT_COORDINATOR);
        coordinator.unloadGroups(GROUP::equals);

        assertThat(Errors.forCode(sync.join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
        timer.advance(REBALANCE_MS + SESSION_MS);
        assertThat(timer.pendingTasks()).isZero();
    }

    @Test
    void aGroupLoadedAgainStartsFromItsCommittedOffsets() {
        assertThat(commitErrors(commit(GROUP, -1, "", 42))).containsOnly(Errors.NONE);
        notHere.put(GROUP, Errors.NOT_COORDINATOR);
        coordinator.unloadGroups(GROUP::equals);
        notHere.remove(GROUP);

        assertThat(coordinator.committedOffsets(GROUP).get(new TopicPartition("t", 0)).offset()).isEqualTo(42);
        assertThat(coordinator.groupState(GROUP).join()).isEqualTo(GroupState.EMPTY);
    }

    private JoinGroupResponseData joinWithId(String groupId) {
        JoinGroupResponseData joined = join(groupId, newMemberId(groupId)).join();
        if (joined.errorCode() == Errors.NONE.code() && joined.leader().equals(joined.memberId())) {
            coordinator.syncGroup(new SyncGroupRequestData().setGroupId(groupId).setMemberId(joined.memberId())
                    .setGenerationId(joined.generationId())).join();
        }
        return joined;
    }

    /** KIP-394: the id a dynamic member is handed before it may join. */
    private String newMemberId(String groupId) {
        return join(groupId, "").join().memberId();
    }

    private CompletableFuture<JoinGroupResponseData> join(String groupId, String memberId) {
        JoinGroupRequestData request = new JoinGroupRequestData().setGroupId(groupId).setMemberId(memberId)
                .setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(REBALANCE_MS).setProtocolType("consumer")
                .setProtocols(new JoinGroupRequestProtocolCollection(List.of(
                        new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0])).iterator()));
        return coordinator.joinGroup(request, "client", "/127.0.0.1", true);
    }

    private OffsetCommitResponseData commit(String groupId, int generation, String memberId, long offset) {
        OffsetCommitRequestData request = new OffsetCommitRequestData().setGroupId(groupId)
                .setGenerationIdOrMemberEpoch(generation).setMemberId(memberId)
                .setTopics(List.of(new OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(offset)))));
        return coordinator.commitOffsets(request, (short) 8).join();
    }

    private static List<Errors> commitErrors(OffsetCommitResponseData response) {
        return response.topics().stream().flatMap(t -> t.partitions().stream())
                .map(p -> Errors.forCode(p.errorCode())).toList();
    }
}
