package io.sluice.it.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kafka-clients KafkaConsumer (classic group protocol) running groups against a real in-process broker. */
class ConsumerGroupIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    @TempDir
    static Path dataDir;
    private static GroupTestBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = GroupTestBroker.start(dataDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void twoConsumersShareSixPartitionsAndTheSurvivorTakesAllWhenOneLeaves() throws Exception {
        broker.createTopic("shared", 6);
        try (KafkaConsumer<String, String> first = broker.consumer("sharing", Map.of());
             KafkaConsumer<String, String> second = broker.consumer("sharing", Map.of())) {
            first.subscribe(List.of("shared"));
            second.subscribe(List.of("shared"));
            Deadline.pollUntil(TIMEOUT, () -> {
                first.poll(POLL);
                second.poll(POLL);
            }, () -> first.assignment().size() + second.assignment().size() == 6
                    && !first.assignment().isEmpty() && !second.assignment().isEmpty()
                    && disjoint(first.assignment(), second.assignment()), "both consumers to share 6 partitions");

            Set<TopicPartition> all = new HashSet<>(first.assignment());
            all.addAll(second.assignment());
            assertThat(all).hasSize(6).allMatch(tp -> tp.topic().equals("shared"));

            second.close();
            Deadline.pollUntil(TIMEOUT, () -> first.poll(POLL), () -> first.assignment().size() == 6,
                    "the remaining consumer to own all 6 partitions");
            assertThat(first.assignment()).isEqualTo(all);
        }
    }

    @Test
    void aNewConsumerResumesRightAfterTheLastCommittedOffset() throws Exception {
        broker.createTopic("resume", 1);
        broker.produce("resume", 0, 0, 10);
        TopicPartition tp = new TopicPartition("resume", 0);
        try (KafkaConsumer<String, String> consumer = broker.consumer("resumers", Map.of())) {
            consumer.subscribe(List.of("resume"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            Deadline.pollUntil(TIMEOUT, () -> consumer.poll(POLL).forEach(seen::add), () -> seen.size() >= 4,
                    "the first records");
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(4, "after four")));
            assertThat(consumer.committed(Set.of(tp)).get(tp).offset()).isEqualTo(4);
            assertThat(consumer.committed(Set.of(tp)).get(tp).metadata()).isEqualTo("after four");
        }
        try (KafkaConsumer<String, String> next = broker.consumer("resumers", Map.of())) {
            next.subscribe(List.of("resume"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            Deadline.pollUntil(TIMEOUT, () -> next.poll(POLL).forEach(seen::add), () -> seen.size() >= 6,
                    "the rest of the records");
            assertThat(seen.get(0).offset()).isEqualTo(4);
            assertThat(seen.get(0).value()).isEqualTo("value-4");
            assertThat(seen).extracting(ConsumerRecord::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
        }
    }

    @Test
    void autoCommitStoresTheConsumedPosition() throws Exception {
        broker.createTopic("auto", 1);
        broker.produce("auto", 0, 0, 5);
        TopicPartition tp = new TopicPartition("auto", 0);
        try (KafkaConsumer<String, String> consumer = broker.consumer("auto-committers",
                Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true",
                        ConsumerConfig.AUTO_COMMIT_INTERVAL_MS_CONFIG, "100"))) {
            consumer.subscribe(List.of("auto"));
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            Deadline.pollUntil(TIMEOUT, () -> consumer.poll(POLL).forEach(seen::add), () -> seen.size() >= 5,
                    "all five records");
        }
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("auto-committers")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertThat(committed.get(tp).offset()).isEqualTo(5);
        }
    }

    @Test
    void aStaticMemberRejoiningAfterCloseKeepsItsAssignmentWithoutARebalance() throws Exception {
        broker.createTopic("statics", 4);
        Map<String, Object> staticA = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-a");
        Map<String, Object> staticB = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-b");
        KafkaConsumer<String, String> b = broker.consumer("static-group", staticB);
        try {
            Set<TopicPartition> assignedToA;
            int generationBefore;
            try (KafkaConsumer<String, String> a = broker.consumer("static-group", staticA)) {
                a.subscribe(List.of("statics"));
                b.subscribe(List.of("statics"));
                Deadline.pollUntil(TIMEOUT, () -> {
                    a.poll(POLL);
                    b.poll(POLL);
                }, () -> a.assignment().size() + b.assignment().size() == 4 && !a.assignment().isEmpty()
                        && !b.assignment().isEmpty(), "both static members to be assigned");
                assignedToA = Set.copyOf(a.assignment());
                generationBefore = generation(a);
            }
            // A static member's close sends no LeaveGroup: the group keeps its place until its session expires.
            try (KafkaConsumer<String, String> again = broker.consumer("static-group", staticA)) {
                again.subscribe(List.of("statics"));
                Deadline.pollUntil(TIMEOUT, () -> {
                    again.poll(POLL);
                    b.poll(POLL);
                }, () -> !again.assignment().isEmpty(), "the restarted static member to get its assignment");
                assertThat(again.assignment()).isEqualTo(assignedToA);
                assertThat(generation(again)).isEqualTo(generationBefore);
                assertThat(describe().groupState()).isEqualTo(GroupState.STABLE);
                assertThat(describe().members()).hasSize(2);
                b.poll(POLL);
                assertThat(b.assignment()).hasSize(4 - assignedToA.size());
            }
        } finally {
            b.close();
        }
    }

    @Test
    void cooperativeStickyConsumersRebalanceIncrementally() throws Exception {
        broker.createTopic("cooperative", 6);
        Map<String, Object> cooperative = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        try (KafkaConsumer<String, String> first = broker.consumer("cooperators", cooperative);
             KafkaConsumer<String, String> second = broker.consumer("cooperators", cooperative)) {
            first.subscribe(List.of("cooperative"));
            Deadline.pollUntil(TIMEOUT, () -> first.poll(POLL), () -> first.assignment().size() == 6,
                    "the first consumer to own everything");
            int generationAlone = generation(first);

            // The newcomer's join makes the first consumer give up half its partitions, then rejoin once more.
            second.subscribe(List.of("cooperative"));
            Deadline.pollUntil(TIMEOUT, () -> {
                first.poll(POLL);
                second.poll(POLL);
            }, () -> first.assignment().size() == 3 && second.assignment().size() == 3
                    && disjoint(first.assignment(), second.assignment()), "a 3/3 split");
            assertThat(generation(first)).isGreaterThanOrEqualTo(generationAlone + 2);
        }
    }

    @Test
    void adminToolsDeleteOffsetsAndIdleGroups() throws Exception {
        broker.createTopic("admin-topic", 1);
        TopicPartition tp = new TopicPartition("admin-topic", 0);
        try (KafkaConsumer<String, String> consumer = broker.consumer("admin-group", Map.of())) {
            consumer.subscribe(List.of("admin-topic"));
            Deadline.pollUntil(TIMEOUT, () -> consumer.poll(POLL), () -> !consumer.assignment().isEmpty(),
                    "the assignment");
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(0)));
            try (Admin admin = broker.admin()) {
                assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS))
                        .anySatisfy(g -> assertThat(g.groupId()).isEqualTo("admin-group"));
                Throwable refused = catchThrowable(() ->
                        admin.deleteConsumerGroups(List.of("admin-group")).all().get(30, TimeUnit.SECONDS));
                assertThat(refused).hasCauseInstanceOf(GroupNotEmptyException.class);
                Throwable subscribed = catchThrowable(() -> admin.deleteConsumerGroupOffsets("admin-group", Set.of(tp))
                        .all().get(30, TimeUnit.SECONDS));
                assertThat(subscribed).hasCauseInstanceOf(GroupSubscribedToTopicException.class);
            }
        }
        try (Admin admin = broker.admin()) {
            admin.deleteConsumerGroupOffsets("admin-group", Set.of(tp)).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS)).isEmpty();
            admin.deleteConsumerGroups(List.of("admin-group")).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.listGroups().all().get(30, TimeUnit.SECONDS))
                    .noneSatisfy(g -> assertThat(g.groupId()).isEqualTo("admin-group"));
        }
    }

    private static int generation(KafkaConsumer<String, String> consumer) {
        return consumer.groupMetadata().generationId();
    }

    private static ConsumerGroupDescription describe() throws Exception {
        try (Admin admin = broker.admin()) {
            return admin.describeConsumerGroups(List.of("static-group")).all().get(30, TimeUnit.SECONDS)
                    .get("static-group");
        }
    }

    private static boolean disjoint(Set<TopicPartition> a, Set<TopicPartition> b) {
        Set<TopicPartition> common = new HashSet<>(a);
        common.retainAll(b);
        return common.isEmpty();
    }
}
