package io.sluice.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * A waiting member's JoinGroup future is completed by whichever request ends the rebalance, and its callbacks run
 * on that thread. Requests issued from such a callback (a connection's pipelined requests, were the network layer
 * to run them inline) must find the group's change finished and no lock held: a request for another group must not
 * nest inside this one (lock-order deadlock), and one for the same group must not change it in the middle of the
 * transition. With group events they are queued behind the running event and answered once it has run.
 */
@Timeout(10)
class GroupLockHazardTest {
    private static final String GROUP_A = "group-a";
    private static final String GROUP_B = "group-b";

    private final GroupCoordinator coordinator = new GroupCoordinator(new InMemoryOffsetStore(),
            new ManualGroupTimer(), new GroupConfig(0, 1000, 60_000, 100));

    @RepeatedTest(50)
    void pipelinedRequestsResumedByAnotherMembersJoinRunWithNoGroupMonitorHeld() {
        String leader = stableMember(GROUP_A);
        String second = memberId(GROUP_A);
        String third = memberId(GROUP_A);
        CompletableFuture<JoinGroupResponseData> secondJoin = join(GROUP_A, second);
        CompletableFuture<JoinGroupResponseData> thirdJoin = join(GROUP_A, third);

        // What the second member's connection has queued behind its JoinGroup: a request for another group, a
        // heartbeat for this one, and a LeaveGroup for the third member, which changes group A's members.
        List<String> monitorsHeld = new ArrayList<>();
        List<CompletableFuture<Errors>> pipelined = new ArrayList<>();
        CompletableFuture<Void> resumed = secondJoin.thenAccept(joined -> {
            monitorsHeld.addAll(monitorsHeldByThisThread());
            pipelined.add(join(GROUP_B, "").thenApply(r -> Errors.forCode(r.errorCode())));
            pipelined.add(coordinator.heartbeat(new HeartbeatRequestData().setGroupId(GROUP_A)
                    .setMemberId(second).setGenerationId(joined.generationId())));
            pipelined.add(coordinator.leaveGroup(GROUP_A, List.of(new MemberIdentity().setMemberId(third)))
                    .thenApply(r -> Errors.forCode(r.members().get(0).errorCode())));
        });

        // The leader's rejoin completes the rebalance on this thread, which runs the second member's callback.
        JoinGroupResponseData leaderJoin = join(GROUP_A, leader).join();

        assertThat(resumed).isCompleted();
        assertThat(monitorsHeld).as("monitors held while another connection's requests ran").isEmpty();
        assertThat(pipelined).extracting(CompletableFuture::join)
                .containsExactly(Errors.MEMBER_ID_REQUIRED, Errors.NONE, Errors.NONE);
        assertThat(leaderJoin.members()).hasSize(3);
        assertThat(thirdJoin.join().generationId()).isEqualTo(leaderJoin.generationId());
        assertThat(coordinator.groupState(GROUP_A).join()).isEqualTo(GroupState.PREPARING_REBALANCE);
    }

    private static List<String> monitorsHeldByThisThread() {
        MonitorInfo[] locked = ManagementFactory.getThreadMXBean()
                .getThreadInfo(new long[] {Thread.currentThread().getId()}, true, false)[0].getLockedMonitors();
        return Arrays.stream(locked).map(MonitorInfo::getClassName)
                .filter(name -> name.equals(ClassicGroup.class.getName())).toList();
    }

    private String memberId(String group) {
        return join(group, "").join().memberId();
    }

    private String stableMember(String group) {
        String id = memberId(group);
        join(group, id).join();
        SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId(group).setMemberId(id).setGenerationId(1);
        sync.assignments().add(new SyncGroupRequestAssignment().setMemberId(id).setAssignment(new byte[0]));
        coordinator.syncGroup(sync).join();
        return id;
    }

    private CompletableFuture<JoinGroupResponseData> join(String group, String memberId) {
        JoinGroupRequestProtocol range = new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]);
        JoinGroupRequestData request = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(30_000).setProtocolType("consumer")
                .setProtocols(new JoinGroupRequestProtocolCollection(List.of(range).iterator()));
        return coordinator.joinGroup(request, "client", "/127.0.0.1", true);
    }

}
