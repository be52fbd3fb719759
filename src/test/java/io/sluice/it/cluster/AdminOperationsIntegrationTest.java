package io.sluice.it.cluster;

import static io.sluice.it.cluster.PartitionView.leaderId;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.SluiceCommand;
import io.sluice.it.Clients;
import io.sluice.it.Poll;
import io.sluice.it.SluiceProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.ElectionNotNeededException;
import org.apache.kafka.common.errors.PreferredLeaderNotAvailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster admin surface on three broker processes, through the real Admin client and the CLI: a partition is
 * reassigned from {1, 2} to {2, 3} and its records stay readable once broker 1 is gone; a preferred leader election
 * returns leadership after it moved; a partition with a follower down is listed as under-replicated; the metadata
 * quorum describes itself.
 */
class AdminOperationsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final int RECORDS = 10_000;
    private static final String PADDING = "x".repeat(100);

    @TempDir
    Path dir;
    private List<SluiceProcess> nodes = List.of();

    @AfterEach
    void stopCluster() {
        nodes.forEach(SluiceProcess::close);
    }

    /**
     * A topic name whose single RF-2 partition the controller places on brokers 1 and 2: ReplicaAssigner starts at
     * the name's hash modulo the broker count. Creation asserts the placement, so a changed assigner fails loudly.
     */
    private static String topicOnBrokersOneAndTwo() {
        for (int i = 0; ; i++) {
            String name = "moved-" + i;
            if (Math.floorMod(name.hashCode(), 3) == 0) {
                return name;
            }
        }
    }

    private static TopicPartitionInfo describe(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions().get(0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean noReassignments(Admin admin) {
        try {
            return admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toList());
    }

    /** True once a preferred election succeeded; PREFERRED_LEADER_NOT_AVAILABLE means "not yet". */
    private static boolean preferredElected(Admin admin, TopicPartition tp) {
        try {
            Optional<Throwable> error = admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).partitions()
                    .get(20, TimeUnit.SECONDS).get(tp);
            if (error.isPresent() && !(error.get() instanceof PreferredLeaderNotAvailableException)) {
                throw new AssertionError("Preferred election of " + tp + " failed", error.get());
            }
            return error.isEmpty();
        } catch (InterruptedException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine command = SluiceCommand.newCommandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int exit = command.execute(args);
        assertThat(exit).as("sluice %s failed: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static void produce(String bootstrap, String topic) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>(RECORDS);
        try (KafkaProducer<String, String> producer = Clients.producer(bootstrap,
                Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, "k-" + i, "v-" + i + PADDING)));
            }
            producer.flush();
        }
        for (Future<RecordMetadata> future : sent) {
            future.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void reassignPreferredElectionUnderReplicatedPartitionsAndQuorum() throws Exception {
        nodes = SluiceProcess.startCluster(dir, 3, Map.of(
                "broker.session.timeout.ms", "3000",
                "replica.lag.time.max.ms", "5000",
                "offsets.topic.num.partitions", "1"));
        String topic = topicOnBrokersOneAndTwo();
        TopicPartition tp = new TopicPartition(topic, 0);
        String all = nodes.stream().map(SluiceProcess::bootstrap).collect(Collectors.joining(","));
        String twoAndThree = nodes.get(1).bootstrap() + "," + nodes.get(2).bootstrap();

        try (Admin admin = Clients.admin(all)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 2))).all().get(20, TimeUnit.SECONDS);
            Poll.until(WAIT, () -> describe(admin, topic).isr().size() == 2, "a full ISR");
            assertThat(ids(describe(admin, topic).replicas())).containsExactly(1, 2);
            produce(all, topic);

            // Reassignment: 3 copies the log from the leader, then the replica set becomes {2, 3}.
            long start = System.nanoTime();
            admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(2, 3)))))
                    .all().get(20, TimeUnit.SECONDS);
            Poll.until(WAIT, () -> noReassignments(admin), "the reassignment to finish");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("Reassigning %d records (%d-byte values) from {1,2} to {2,3} took %d ms%n",
                    RECORDS, ("v-0" + PADDING).length(), tookMs);
            TopicPartitionInfo moved = describe(admin, topic);
            assertThat(ids(moved.replicas())).containsExactly(2, 3);
            assertThat(ids(moved.isr())).containsExactlyInAnyOrder(2, 3);
            assertThat(leaderId(moved)).isEqualTo(2);
            // Broker 1 no longer hosts the partition: its log directory is renamed for deletion.
            Path oldLog = dir.resolve("node-1").resolve("logs").resolve(topic + "-0");
            Poll.until(WAIT, () -> !Files.exists(oldLog), "broker 1 to drop its copy of " + tp);

            // Leadership moves away from the preferred replica while it is down...
            SluiceProcess two = nodes.get(1);
            two.kill9();
            Poll.until(WAIT, () -> leaderId(describe(admin, topic)) == 3 && describe(admin, topic).isr().size() == 1,
                    "broker 3 to lead alone");
            String expected = "Topic: " + topic + "\tPartition: 0\tLeader: 3\tReplicas: 2,3\tIsr: 3\t";
            // As below, node 1 (which the CLI asks) may apply the ISR change a moment after the node that answered.
            Poll.until(WAIT, () -> cli("topics", "--bootstrap-server", nodes.get(0).bootstrap(), "--describe",
                    "--under-replicated-partitions").contains(expected), "node 1 to list " + tp + " under-replicated");
            assertThat(cli("topics", "--bootstrap-server", nodes.get(0).bootstrap(), "--describe",
                    "--under-replicated-partitions")).doesNotContain("PartitionCount");
            assertThat(cli("topics", "--bootstrap-server", nodes.get(0).bootstrap(), "--describe",
                    "--unavailable-partitions")).doesNotContain(topic);

            // ... and a preferred election hands it back once it has caught up again.
            two.restart();
            Poll.until(WAIT, () -> describe(admin, topic).isr().size() == 2, "broker 2 back in the ISR");
            assertThat(leaderId(describe(admin, topic))).isEqualTo(3);
            // The CLI asks node 1, whose image may show broker 2's return a moment after the node that answered.
            Poll.until(WAIT, () -> !cli("topics", "--bootstrap-server", nodes.get(0).bootstrap(), "--describe",
                    "--under-replicated-partitions").contains(topic), "node 1 to see " + tp + " fully replicated");
            // The node that answers may see broker 2's return a moment later than the one that described it.
            Poll.until(WAIT, () -> preferredElected(admin, tp), "a preferred election of " + tp);
            // The controller answers once the election is committed; the broker that describes the topic may
            // apply that record a moment later.
            Poll.until(WAIT, () -> leaderId(describe(admin, topic)) == 2, "broker 2 to lead " + tp + " again");
            Map<TopicPartition, Optional<Throwable>> again = admin.electLeaders(ElectionType.PREFERRED, Set.of(tp))
                    .partitions().get(20, TimeUnit.SECONDS);
            assertThat(again.get(tp)).containsInstanceOf(ElectionNotNeededException.class);

            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS);
            assertThat(quorum.voters()).extracting(QuorumInfo.ReplicaState::replicaId).containsExactly(1, 2, 3);
            assertThat(quorum.leaderId()).isBetween(1, 3);
            assertThat(quorum.highWatermark()).isPositive();
            String status = cli("metadata-quorum", "describe", "--status", "--bootstrap-server", nodes.get(2).bootstrap());
            assertThat(status).contains("LeaderId:               " + quorum.leaderId())
                    .containsPattern("HighWatermark: +\\d+").containsPattern("MaxFollowerLag: +\\d+")
                    .contains("CurrentVoters:          [{\"id\": 1");
        }

        // The records live on the new replica set: broker 1 is not needed to read every one of them.
        nodes.get(0).kill9();
        List<ConsumerRecord<String, String>> records = Clients.readFromBeginning(twoAndThree, List.of(tp), RECORDS,
                WAIT);
        for (int i = 0; i < RECORDS; i++) {
            assertThat(records.get(i).offset()).isEqualTo(i);
            assertThat(records.get(i).value()).isEqualTo("v-" + i + PADDING);
        }
    }
}
