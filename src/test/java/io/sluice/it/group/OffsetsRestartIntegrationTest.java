package io.sluice.it.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed offsets and group membership live in __consumer_offsets, so a group resumes where it was after the
 * broker restarts.
 */
class OffsetsRestartIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void aGroupResumesAfterTheLastCommitAcrossABrokerRestart() throws Exception {
        TopicPartition tp = new TopicPartition("durable", 0);
        try (GroupTestBroker broker = GroupTestBroker.start(dataDir)) {
            broker.createTopic("durable", 1);
            broker.produce("durable", 0, 0, 6);
            try (KafkaConsumer<String, String> consumer = broker.consumer("durable-group", Map.of())) {
                consumer.subscribe(List.of("durable"));
                Deadline.pollUntil(TIMEOUT, () -> consumer.poll(Duration.ofMillis(100)),
                        () -> !consumer.assignment().isEmpty(), "the assignment");
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(4)));
            }
        }
        try (GroupTestBroker broker = GroupTestBroker.start(dataDir);
             KafkaConsumer<String, String> consumer = broker.consumer("durable-group", Map.of())) {
            consumer.subscribe(List.of("durable"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            Deadline.pollUntil(TIMEOUT, () -> consumer.poll(Duration.ofMillis(100)).forEach(seen::add),
                    () -> seen.size() >= 2, "the records after the commit");
            assertThat(seen).extracting(ConsumerRecord::offset).containsExactly(4L, 5L);
        }
    }

    @Test
    void aStableGroupIsReloadedWithItsMembersWhoExpireIfTheyDoNotComeBack() throws Exception {
        String memberId;
        KafkaConsumer<String, String> consumer;
        try (GroupTestBroker broker = GroupTestBroker.start(dataDir)) {
            broker.createTopic("membership", 1);
            consumer = broker.consumer("membership-group", Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "3000"));
            consumer.subscribe(List.of("membership"));
            Deadline.pollUntil(TIMEOUT, () -> consumer.poll(Duration.ofMillis(100)),
                    () -> !consumer.assignment().isEmpty(), "the assignment");
            try (Admin admin = broker.admin()) {
                memberId = onlyMember(describe(admin));
            }
        }
        // The consumer stays open but cannot follow the broker to its new port: a member that never comes back.
        try (GroupTestBroker broker = GroupTestBroker.start(dataDir); Admin admin = broker.admin()) {
            ConsumerGroupDescription reloaded = describe(admin);
            assertThat(reloaded.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(onlyMember(reloaded)).isEqualTo(memberId);
            assertThat(reloaded.partitionAssignor()).isEqualTo("range");

            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (describe(admin).groupState() != GroupState.EMPTY) {
                assertThat(System.nanoTime() - deadline).as("time left for the session to expire").isNegative();
                Thread.onSpinWait();
            }
            assertThat(describe(admin).members()).isEmpty();
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    private static ConsumerGroupDescription describe(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.of("membership-group")).all().get(30, TimeUnit.SECONDS)
                .get("membership-group");
    }

    private static String onlyMember(ConsumerGroupDescription group) {
        assertThat(group.members()).hasSize(1);
        return group.members().iterator().next().consumerId();
    }
}
