package io.sluice.controller;

import static io.sluice.controller.Futures.get;
import static io.sluice.controller.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.IneligibleReplicaException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Controller decisions on membership and partition leadership, with a manual clock. */
class ClusterControlTest {
    private static final long SESSION_MS = 3_000;
    private static final Uuid INC = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");

    private final AtomicLong now = new AtomicLong(1_000_000);
    private InMemoryMetadataLog log;
    private QuorumController controller;

    @BeforeEach
    void setUp() throws Exception {
        controller = newController(false);
    }

    private QuorumController newController(boolean unclean) throws Exception {
        log = new InMemoryMetadataLog();
        QuorumController c = new QuorumController(log::image, log, 1, (short) 3, configs -> { }, now::get, SESSION_MS,
                unclean);
        for (int broker = 1; broker <= 3; broker++) {
            get(c.registerBroker(broker, "host" + broker, 9090 + broker, null, INC));
        }
        c.activate(1);
        return c;
    }

    private PartitionImage partition(String topic, int index) {
        return log.image().topic(topic).partitions().get(index);
    }

    private BrokerImage broker(int id) {
        return log.image().brokers().get(id);
    }

    /** Keeps brokers alive by heartbeating all but the given ones. */
    private void heartbeatAllBut(int... silent) throws Exception {
        outer:
        for (int id = 1; id <= 3; id++) {
            for (int s : silent) {
                if (s == id) {
                    continue outer;
                }
            }
            assertThat(get(controller.brokerHeartbeat(id, INC))).isEqualTo(Errors.NONE);
        }
    }

    @Test
    void newPartitionsLeadFromTheirFirstReplicaWithTheFullIsr() throws Exception {
        get(controller.createTopic("t", 3, (short) 3, Map.of(), false));
        for (int p = 0; p < 3; p++) {
            PartitionImage partition = partition("t", p);
            assertThat(partition.leader()).isEqualTo(partition.replicas().get(0));
            assertThat(partition.isr()).isEqualTo(partition.replicas()).hasSize(3);
            assertThat(partition.leaderEpoch()).isZero();
        }
    }

    @Test
    void aBrokerIsFencedOnlyAfterItsSessionLapsesAndItsPartitionsGetNewLeadersFromTheIsr() throws Exception {
        get(controller.createTopic("t", 3, (short) 3, Map.of(), false));
        int victim = partition("t", 0).leader();
        now.addAndGet(SESSION_MS);
        heartbeatAllBut(victim);
        assertThat(get(controller.fenceExpiredBrokers())).isEmpty();
        assertThat(broker(victim).fenced()).isFalse();

        now.addAndGet(1);
        heartbeatAllBut(victim);
        assertThat(get(controller.fenceExpiredBrokers())).containsExactly(victim);

        assertThat(broker(victim).fenced()).isTrue();
        for (int p = 0; p < 3; p++) {
            PartitionImage partition = partition("t", p);
            assertThat(partition.isr()).doesNotContain(victim).hasSize(2);
            assertThat(partition.leader()).isNotEqualTo(victim).isGreaterThanOrEqualTo(0);
            // The next leader is the first remaining ISR member in preferred (replica) order.
            int expected = partition.replicas().stream().filter(r -> r != victim).findFirst().orElseThrow();
            assertThat(partition.leader()).isEqualTo(expected);
        }
        PartitionImage led = partition("t", 0);
        assertThat(led.leaderEpoch()).isEqualTo(1);
        assertThat(led.partitionEpoch()).isEqualTo(1);
    }

    @Test
    void heartbeatsAfterFencingUnfenceTheBroker() throws Exception {
        now.addAndGet(SESSION_MS + 1);
        heartbeatAllBut(2);
        assertThat(get(controller.fenceExpiredBrokers())).containsExactly(2);
        assertThat(get(controller.brokerHeartbeat(2, INC))).isEqualTo(Errors.NONE);
        assertThat(broker(2).fenced()).isFalse();
    }

    @Test
    void heartbeatsOfAnUnknownIncarnationOrAnInactiveControllerAreRefused() throws Exception {
        assertThat(get(controller.brokerHeartbeat(9, INC))).isEqualTo(Errors.BROKER_ID_NOT_REGISTERED);
        assertThat(get(controller.brokerHeartbeat(1, Uuid.randomUuid()))).isEqualTo(Errors.STALE_BROKER_EPOCH);
        controller.resign();
        assertThat(get(controller.brokerHeartbeat(1, INC))).isEqualTo(Errors.NOT_CONTROLLER);
        now.addAndGet(10 * SESSION_MS);
        assertThat(get(controller.fenceExpiredBrokers())).isEmpty();
    }

    @Test
    void aNewActiveControllerStartsEverySessionAfresh() throws Exception {
        now.addAndGet(10 * SESSION_MS);
        controller.resign();
        controller.activate(2);
        log.logTerm = 2;
        assertThat(get(controller.fenceExpiredBrokers())).isEmpty();
    }

    @Test
    void theLastIsrMemberStaysInTheIsrAndThePartitionGoesOffline() throws Exception {
        get(controller.createTopic("solo", 1, (short) 1, Map.of(), false));
        int only = partition("solo", 0).leader();
        now.addAndGet(SESSION_MS + 1);
        heartbeatAllBut(only);
        get(controller.fenceExpiredBrokers());

        PartitionImage offline = partition("solo", 0);
        assertThat(offline.leader()).isEqualTo(-1);
        assertThat(offline.isr()).containsExactly(only);
        assertThat(offline.leaderEpoch()).isEqualTo(1);

        // The broker restarts (new incarnation): it registers and leads again.
        get(controller.registerBroker(only, "host" + only, 9090 + only, null, Uuid.randomUuid()));
        PartitionImage back = partition("solo", 0);
        assertThat(back.leader()).isEqualTo(only);
        assertThat(back.leaderEpoch()).isEqualTo(2);
        assertThat(broker(only).fenced()).isFalse();
    }

    @Test
    void uncleanElectionLetsALiveOutOfSyncReplicaLead() throws Exception {
        get(controller.createTopic("u", 1, (short) 2, Map.of("unclean.leader.election.enable", "true"), false));
        PartitionImage p = partition("u", 0);
        int leader = p.leader();
        int follower = p.replicas().get(1);
        TopicImage topic = log.image().topic("u");
        get(controller.alterPartition(new AlterPartitionRequest(leader, topic.id(), 0, p.leaderEpoch(),
                p.partitionEpoch(), List.of(leader))));
        assertThat(partition("u", 0).isr()).containsExactly(leader);

        now.addAndGet(SESSION_MS + 1);
        heartbeatAllBut(leader);
        get(controller.fenceExpiredBrokers());

        PartitionImage after = partition("u", 0);
        assertThat(after.leader()).isEqualTo(follower);
        assertThat(after.isr()).containsExactly(follower);
    }

    @Test
    void withoutUncleanElectionAnOutOfSyncReplicaDoesNotLead() throws Exception {
        get(controller.createTopic("c", 1, (short) 2, Map.of(), false));
        PartitionImage p = partition("c", 0);
        int leader = p.leader();
        get(controller.alterPartition(new AlterPartitionRequest(leader, log.image().topic("c").id(), 0,
                p.leaderEpoch(), p.partitionEpoch(), List.of(leader))));
        now.addAndGet(SESSION_MS + 1);
        heartbeatAllBut(leader);
        get(controller.fenceExpiredBrokers());
        assertThat(partition("c", 0).leader()).isEqualTo(-1);

        // An explicit UNCLEAN election brings it back with the live replica.
        Map<TopicPartition, ApiError> results = get(controller.electLeaders(ElectionType.UNCLEAN,
                Set.of(new TopicPartition("c", 0))));
        assertThat(results.get(new TopicPartition("c", 0)).error()).isEqualTo(Errors.NONE);
        assertThat(partition("c", 0).leader()).isEqualTo(p.replicas().get(1));
    }

    @Test
    void alterPartitionChecksEpochsLeadershipAndMembers() throws Exception {
        get(controller.createTopic("a", 1, (short) 3, Map.of(), false));
        PartitionImage p = partition("a", 0);
        Uuid id = log.image().topic("a").id();
        int leader = p.leader();
        int follower = p.replicas().get(1);

        assertThat(failure(controller.alterPartition(new AlterPartitionRequest(leader, id, 0, p.leaderEpoch() - 1,
                p.partitionEpoch(), List.of(leader))))).isInstanceOf(FencedLeaderEpochException.class);
        assertThat(failure(controller.alterPartition(new AlterPartitionRequest(follower, id, 0, p.leaderEpoch(),
                p.partitionEpoch(), List.of(follower))))).isInstanceOf(NotLeaderOrFollowerException.class);
        assertThat(failure(controller.alterPartition(new AlterPartitionRequest(leader, id, 0, p.leaderEpoch(),
                p.partitionEpoch() + 1, List.of(leader))))).isInstanceOf(InvalidUpdateVersionException.class);
        assertThat(failure(controller.alterPartition(new AlterPartitionRequest(leader, id, 0, p.leaderEpoch(),
                p.partitionEpoch(), List.of(follower))))).isInstanceOf(InvalidRequestException.class);

        PartitionImage shrunk = get(controller.alterPartition(new AlterPartitionRequest(leader, id, 0,
                p.leaderEpoch(), p.partitionEpoch(), List.of(leader, follower))));
        assertThat(shrunk.isr()).containsExactly(leader, follower);
        assertThat(shrunk.leaderEpoch()).isEqualTo(p.leaderEpoch());
        assertThat(shrunk.partitionEpoch()).isEqualTo(p.partitionEpoch() + 1);
        assertThat(partition("a", 0)).isEqualTo(shrunk);

        // The same request again is now stale.
        assertThat(failure(controller.alterPartition(new AlterPartitionRequest(leader, id, 0, p.leaderEpoch(),
                p.partitionEpoch(), List.of(leader))))).isInstanceOf(InvalidUpdateVersionException.class);

        int third = p.replicas().get(2);
        get(controller.controlledShutdown(third));
        assertThat(failure(controller.alterPartition(new AlterPartitionRequest(leader, id, 0, p.leaderEpoch(),
                shrunk.partitionEpoch(), List.of(leader, follower, third)))))
                .isInstanceOf(IneligibleReplicaException.class);
    }

    @Test
    void anIsrExpansionComputedBeforeAFencingIsRefusedByTheLog() throws Exception {
        get(controller.createTopic("late", 1, (short) 3, Map.of(), false));
        PartitionImage p = partition("late", 0);
        Uuid id = log.image().topic("late").id();
        int leader = p.leader();
        int follower = p.replicas().get(1);
        int third = p.replicas().get(2);
        PartitionImage shrunk = get(controller.alterPartition(new AlterPartitionRequest(leader, id, 0,
                p.leaderEpoch(), p.partitionEpoch(), List.of(leader, follower))));
        // A node whose image stops here computes the expansion; meanwhile the active controller fences the third
        // replica, which leaves the partition's epoch alone since it was not in the ISR.
        io.sluice.metadata.MetadataImage lagging = log.image();
        QuorumController laggingNode = new QuorumController(() -> lagging, log, 1, (short) 3, configs -> { },
                now::get, SESSION_MS, false);
        get(controller.controlledShutdown(third));
        assertThat(partition("late", 0).partitionEpoch()).isEqualTo(shrunk.partitionEpoch());

        Throwable refused = failure(laggingNode.alterPartition(new AlterPartitionRequest(leader, id, 0,
                shrunk.leaderEpoch(), shrunk.partitionEpoch(), List.of(leader, follower, third))));

        assertThat(refused).isInstanceOf(IneligibleReplicaException.class);
        assertThat(partition("late", 0).isr()).containsExactly(leader, follower);
    }

    @Test
    void aRestartedPreferredReplicaBackInTheIsrTakesOverWhenTheLeaderShutsDown() throws Exception {
        get(controller.createTopicWithAssignment("r", List.of(List.of(1, 2, 3)), Map.of(), false));
        Uuid id = log.image().topic("r").id();
        // Broker 1 stops cleanly: 2 leads.
        get(controller.controlledShutdown(1));
        assertThat(partition("r", 0).leader()).isEqualTo(2);
        assertThat(partition("r", 0).isr()).containsExactly(2, 3);
        // It restarts (a new incarnation), heartbeats, catches up, and leader 2 adds it back to the ISR.
        Uuid restarted = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAw");
        get(controller.registerBroker(1, "host1", 9091, null, restarted));
        assertThat(get(controller.brokerHeartbeat(1, restarted))).isEqualTo(Errors.NONE);
        assertThat(broker(1).fenced()).isFalse();
        PartitionImage led = partition("r", 0);
        get(controller.alterPartition(new AlterPartitionRequest(2, id, 0, led.leaderEpoch(), led.partitionEpoch(),
                List.of(1, 2, 3))));
        assertThat(partition("r", 0).isr()).containsExactly(1, 2, 3);

        get(controller.controlledShutdown(2));

        assertThat(partition("r", 0).leader()).isEqualTo(1);
        assertThat(partition("r", 0).isr()).containsExactly(1, 3);
    }

    @Test
    void aBrokerRestartedAfterAControlledShutdownIsNotFencedBeforeItsFirstHeartbeatReachesTheController()
            throws Exception {
        get(controller.createTopicWithAssignment("k", List.of(List.of(1, 2, 3)), Map.of(), false));
        assertThat(get(controller.fenceExpiredBrokers())).isEmpty();
        get(controller.controlledShutdown(1));
        now.addAndGet(SESSION_MS + 1);
        heartbeatAllBut(1);
        // The restarted process registers through another (not active) node and rejoins the ISR at once.
        QuorumController otherNode = new QuorumController(log::image, log, 1, (short) 3, configs -> { }, now::get,
                SESSION_MS, false);
        get(otherNode.registerBroker(1, "host1", 9091, null, Uuid.fromString("AAAAAAAAAAAAAAAAAAAABA")));
        PartitionImage led = partition("k", 0);
        get(controller.alterPartition(new AlterPartitionRequest(led.leader(), log.image().topic("k").id(), 0,
                led.leaderEpoch(), led.partitionEpoch(), List.of(1, 2, 3))));

        assertThat(get(controller.fenceExpiredBrokers())).isEmpty();
        assertThat(partition("k", 0).isr()).containsExactly(1, 2, 3);
        get(controller.controlledShutdown(2));
        assertThat(partition("k", 0).leader()).isEqualTo(1);
    }

    @Test
    void controlledShutdownMovesLeadershipAwayAndFencesTheBroker() throws Exception {
        get(controller.createTopic("s", 3, (short) 3, Map.of(), false));
        int leaving = partition("s", 0).leader();
        get(controller.controlledShutdown(leaving));
        assertThat(broker(leaving).fenced()).isTrue();
        for (int p = 0; p < 3; p++) {
            assertThat(partition("s", p).leader()).isNotEqualTo(leaving).isGreaterThanOrEqualTo(0);
            assertThat(partition("s", p).isr()).doesNotContain(leaving);
        }
        assertThat(partition("s", 0).leaderEpoch()).isEqualTo(1);
    }

    @Test
    void preferredElectionReturnsLeadershipToTheFirstReplica() throws Exception {
        get(controller.createTopic("pref", 1, (short) 3, Map.of(), false));
        PartitionImage p = partition("pref", 0);
        int preferred = p.replicas().get(0);
        TopicPartition tp = new TopicPartition("pref", 0);
        assertThat(get(controller.electLeaders(ElectionType.PREFERRED, Set.of(tp))).get(tp).error())
                .isEqualTo(Errors.ELECTION_NOT_NEEDED);

        get(controller.controlledShutdown(preferred));
        assertThat(partition("pref", 0).leader()).isNotEqualTo(preferred);
        assertThat(get(controller.electLeaders(ElectionType.PREFERRED, Set.of(tp))).get(tp).error())
                .isEqualTo(Errors.PREFERRED_LEADER_NOT_AVAILABLE);

        // Back, and (as a replication layer would report once caught up) in the ISR again.
        get(controller.registerBroker(preferred, "host" + preferred, 9090 + preferred, null, INC));
        PartitionImage now = partition("pref", 0);
        get(controller.alterPartition(new AlterPartitionRequest(now.leader(), log.image().topic("pref").id(), 0,
                now.leaderEpoch(), now.partitionEpoch(), p.replicas())));
        assertThat(get(controller.electLeaders(ElectionType.PREFERRED, null)).get(tp).error())
                .isEqualTo(Errors.NONE);
        assertThat(partition("pref", 0).leader()).isEqualTo(preferred);
        assertThat(partition("pref", 0).leaderEpoch()).isEqualTo(now.leaderEpoch() + 1);
        assertThat(get(controller.electLeaders(ElectionType.PREFERRED, Set.of(new TopicPartition("nope", 0))))
                .get(new TopicPartition("nope", 0)).error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    @Test
    void aDeposedControllersDecisionsAreRejectedByTheLog() throws Exception {
        get(controller.createTopic("d", 1, (short) 3, Map.of(), false));
        log.logTerm = 2; // another node won an election; this one has not noticed yet
        now.addAndGet(SESSION_MS + 1);
        heartbeatAllBut(1);
        assertThat(failure(controller.fenceExpiredBrokers())).isInstanceOf(NotControllerException.class);
        assertThat(broker(1).fenced()).isFalse();
    }

    @Test
    void replicasSpreadAcrossRacks() throws Exception {
        InMemoryMetadataLog racked = new InMemoryMetadataLog();
        QuorumController c = new QuorumController(racked::image, racked, 1, (short) 2, configs -> { }, now::get,
                SESSION_MS, false);
        String[] racks = {"a", "a", "b", "b"};
        for (int broker = 1; broker <= 4; broker++) {
            get(c.registerBroker(broker, "h" + broker, 9000 + broker, racks[broker - 1], INC));
        }
        get(c.createTopic("r", 8, (short) 2, Map.of(), false));
        for (PartitionImage p : racked.image().topic("r").partitions().values()) {
            assertThat(racks[p.replicas().get(0) - 1]).isNotEqualTo(racks[p.replicas().get(1) - 1]);
        }
        assertThat(ReplicaAssigner.rackAlternating(List.of(1, 2, 3, 4), Map.of(1, "a", 2, "a", 3, "b", 4, "b")))
                .containsExactly(1, 3, 2, 4);
    }
}
