package io.sluice.it.cluster;

import static io.sluice.it.cluster.PartitionView.describe;
import static io.sluice.it.cluster.PartitionView.isrIds;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.Clients;
import io.sluice.it.Poll;
import io.sluice.it.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three broker processes replicate a topic with replication factor 3: records acknowledged with acks=all
 * survive the leader being killed with SIGKILL.
 */
class ReplicationIntegrationTest {
    private static final String TOPIC = "replicated";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int FIRST_BATCH = 1000;
    private static final int SECOND_BATCH = 500;

    @TempDir
    Path dir;
    private List<SluiceProcess> nodes = List.of();

    @AfterEach
    void stopCluster() {
        nodes.forEach(SluiceProcess::close);
    }

    private static List<RecordMetadata> produce(String bootstrap, int from, int count) throws Exception {
        return Clients.produceNumbered(bootstrap, "all", PARTITION, "v-", from, count);
    }

    private static void assertInOrderWithoutGaps(List<ConsumerRecord<String, String>> records, int count) {
        assertThat(records).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(records.get(i).offset()).isEqualTo(i);
            assertThat(records.get(i).value()).isEqualTo("v-" + i);
        }
    }

    @Test
    void recordsAcknowledgedWithAcksAllSurviveTheLeaderBeingKilled() throws Exception {
        nodes = SluiceProcess.startCluster(dir, 3, Map.of(
                "broker.session.timeout.ms", "3000",
                "replica.lag.time.max.ms", "10000",
                "offsets.topic.num.partitions", "1"));
        try (Admin admin = Clients.admin(nodes.get(0).bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get(20, TimeUnit.SECONDS);
        }
        Poll.until(WAIT, () -> describe(nodes.get(0), TOPIC).leader() != null
                        && isrIds(describe(nodes.get(0), TOPIC)).size() == 3,
                "a leader and a full ISR");
        String all = nodes.stream().map(SluiceProcess::bootstrap).collect(Collectors.joining(","));

        List<RecordMetadata> firstAcks = produce(all, 0, FIRST_BATCH);
        assertThat(firstAcks.get(FIRST_BATCH - 1).offset()).isEqualTo(FIRST_BATCH - 1);
        int leaderId = describe(nodes.get(0), TOPIC).leader().id();
        SluiceProcess leader = nodes.get(leaderId - 1);
        assertInOrderWithoutGaps(Clients.readFromBeginning(leader.bootstrap(), List.of(PARTITION), FIRST_BATCH, WAIT),
                FIRST_BATCH);
        // Every follower stays in the ISR while records flow.
        assertThat(isrIds(describe(leader, TOPIC))).containsExactly(1, 2, 3);

        List<SluiceProcess> survivors = nodes.stream().filter(n -> n != leader).toList();
        String survivorBootstrap = survivors.stream().map(SluiceProcess::bootstrap).collect(Collectors.joining(","));
        long killedAt = System.nanoTime();
        leader.kill9();
        // Sent at once: the producer retries until the controller has fenced the dead leader and elected another.
        List<RecordMetadata> secondAcks = produce(survivorBootstrap, FIRST_BATCH, SECOND_BATCH);
        long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(secondAcks.get(0).offset()).isEqualTo(FIRST_BATCH);
        Poll.until(WAIT, () -> {
            TopicPartitionInfo info = describe(survivors.get(0), TOPIC);
            return info.leader() != null && info.leader().id() != leaderId && !isrIds(info).contains(leaderId);
        }, "a new leader without broker " + leaderId);
        List<ConsumerRecord<String, String>> everything = Clients.readFromBeginning(survivorBootstrap, List.of(PARTITION),
                FIRST_BATCH + SECOND_BATCH, WAIT);
        assertInOrderWithoutGaps(everything, FIRST_BATCH + SECOND_BATCH);
        System.out.printf("Leader %d killed with SIGKILL: %d records sent after the kill all acknowledged %d ms later "
                + "(session timeout 3000 ms); acked %d, consumed %d in order%n", leaderId, SECOND_BATCH, failoverMs,
                FIRST_BATCH + SECOND_BATCH, everything.size());
    }
}
