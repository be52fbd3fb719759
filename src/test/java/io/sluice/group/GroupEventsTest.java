package io.sluice.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * The broker's set-up: group events on a pool of their own, requests from several threads at once. Members of
 * several groups join and heartbeat concurrently; each group's changes run one at a time, so every group ends in
 * one generation holding every member, and every request is answered.
 */
@Timeout(30)
class GroupEventsTest {
    private static final int GROUPS = 4;
    private static final int MEMBERS = 6;

    private final ExecutorService events = Executors.newFixedThreadPool(4);
    private final ExecutorService clients = Executors.newFixedThreadPool(4);
    private final GroupCoordinator coordinator = new GroupCoordinator(new InMemoryOffsetStore(), new ManualGroupTimer(),
            new GroupConfig(0, 1000, 60_000, 100), GroupOwnership.ALL, events);

    @AfterEach
    void stop() {
        events.shutdownNow();
        clients.shutdownNow();
    }

    @RepeatedTest(10)
    void concurrentJoinsOfSeveralGroupsEachEndInOneGenerationWithEveryMember() throws Exception {
        List<CompletableFuture<JoinGroupResponseData>> joins = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            for (int m = 0; m < MEMBERS; m++) {
                String group = "group-" + g;
                joins.add(CompletableFuture.supplyAsync(() -> join(group, ""), clients).thenCompose(f -> f));
            }
        }
        List<JoinGroupResponseData> answers = new ArrayList<>();
        for (CompletableFuture<JoinGroupResponseData> join : joins) {
            answers.add(join.get(20, TimeUnit.SECONDS));
        }
        // Every member was handed its id (KIP-394); all rejoin with it at once.
        List<CompletableFuture<JoinGroupResponseData>> rejoins = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            String group = "group-" + (i / MEMBERS);
            String memberId = answers.get(i).memberId();
            assertThat(Errors.forCode(answers.get(i).errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
            rejoins.add(CompletableFuture.supplyAsync(() -> join(group, memberId), clients).thenCompose(f -> f));
        }
        for (int i = 0; i < rejoins.size(); i++) {
            JoinGroupResponseData joined = rejoins.get(i).get(20, TimeUnit.SECONDS);
            assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
            assertThat(joined.generationId()).isEqualTo(1);
            Errors beat = coordinator.heartbeat(new HeartbeatRequestData().setGroupId("group-" + (i / MEMBERS))
                    .setMemberId(joined.memberId()).setGenerationId(1)).get(20, TimeUnit.SECONDS);
            assertThat(beat).isEqualTo(Errors.NONE);
        }
        for (int g = 0; g < GROUPS; g++) {
            assertThat(coordinator.describeGroup("group-" + g).get(20, TimeUnit.SECONDS).members()).hasSize(MEMBERS);
            assertThat(coordinator.groupState("group-" + g).get(20, TimeUnit.SECONDS))
                    .isEqualTo(GroupState.COMPLETING_REBALANCE);
        }
    }

    private CompletableFuture<JoinGroupResponseData> join(String group, String memberId) {
        JoinGroupRequestProtocol range = new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]);
        JoinGroupRequestData request = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(30_000).setProtocolType("consumer")
                .setProtocols(new JoinGroupRequestProtocolCollection(List.of(range).iterator()));
        return coordinator.joinGroup(request, "client", "/127.0.0.1", true);
    }
}
