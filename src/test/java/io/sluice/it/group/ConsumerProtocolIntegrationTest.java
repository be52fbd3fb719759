package io.sluice.it.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafka-clients 4.x KafkaConsumer with {@code group.protocol=consumer} (KIP-848) against a real in-process broker:
 * broker-computed assignments, incremental reconciliation, static members, regular expressions evaluated on the
 * broker, offsets committed with the member epoch, and the admin client's view of such groups.
 */
class ConsumerProtocolIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
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

    private static KafkaConsumer<String, String> consumer(String groupId, Map<String, Object> extra) {
        Map<String, Object> props = new java.util.HashMap<>(extra);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        return broker.modernConsumer(groupId, props);
    }

    /** Remembers every partition taken from its consumer, so a test can check none it kept was ever paused. */
    private static final class Revocations implements ConsumerRebalanceListener {
        final Set<TopicPartition> revoked = new HashSet<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }
    }

    @SafeVarargs
    private static void pollAll(KafkaConsumer<String, String>... consumers) {
        for (KafkaConsumer<String, String> consumer : consumers) {
            consumer.poll(POLL);
        }
    }

    private static boolean splitEvenly(int partitions, List<KafkaConsumer<String, String>> consumers) {
        Set<TopicPartition> all = new HashSet<>();
        int total = 0;
        for (KafkaConsumer<String, String> consumer : consumers) {
            int owned = consumer.assignment().size();
            if (owned < partitions / consumers.size() || owned > (partitions + consumers.size() - 1) / consumers.size()) {
                return false;
            }
            total += owned;
            all.addAll(consumer.assignment());
        }
        return total == partitions && all.size() == partitions;
    }

    @Test
    void aThirdMemberTakesPartitionsWithoutTheOthersPausingTheOnesTheyKeep() throws Exception {
        broker.createTopic("kip848-split", 6);
        Revocations firstRevoked = new Revocations();
        Revocations secondRevoked = new Revocations();
        try (KafkaConsumer<String, String> first = consumer("kip848-split", Map.of());
             KafkaConsumer<String, String> second = consumer("kip848-split", Map.of())) {
            first.subscribe(List.of("kip848-split"), firstRevoked);
            second.subscribe(List.of("kip848-split"), secondRevoked);
            Deadline.pollUntil(TIMEOUT, () -> pollAll(first, second), () -> splitEvenly(6, List.of(first, second)),
                    "two KIP-848 consumers to split 6 partitions");
            firstRevoked.revoked.clear();
            secondRevoked.revoked.clear();

            try (KafkaConsumer<String, String> third = consumer("kip848-split", Map.of())) {
                third.subscribe(List.of("kip848-split"));
                Deadline.pollUntil(TIMEOUT, () -> pollAll(first, second, third),
                        () -> splitEvenly(6, List.of(first, second, third)), "three consumers to split 6 partitions");
                // Only what moved to the third member was revoked; what the others kept was never taken away.
                assertThat(firstRevoked.revoked).doesNotContainAnyElementsOf(first.assignment());
                assertThat(secondRevoked.revoked).doesNotContainAnyElementsOf(second.assignment());
                assertThat(firstRevoked.revoked.size() + secondRevoked.revoked.size()).isEqualTo(2);

                try (Admin admin = broker.admin()) {
                    ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("kip848-split"))
                            .describedGroups().get("kip848-split").get(30, TimeUnit.SECONDS);
                    assertThat(group.type()).isEqualTo(GroupType.CONSUMER);
                    assertThat(group.members()).hasSize(3);
                    assertThat(group.groupEpoch()).hasValueSatisfying(epoch -> assertThat(epoch).isGreaterThan(2));
                    assertThat(group.members()).allSatisfy(member -> assertThat(member.memberEpoch()).isPresent());
                    Collection<GroupListing> listed = admin.listGroups(ListGroupsOptions.forConsumerGroups())
                            .all().get(30, TimeUnit.SECONDS);
                    assertThat(listed).anySatisfy(listing -> {
                        assertThat(listing.groupId()).isEqualTo("kip848-split");
                        assertThat(listing.type()).hasValue(GroupType.CONSUMER);
                    });
                }
            }
            // The third member left: the two others take its partitions back.
            Deadline.pollUntil(TIMEOUT, () -> pollAll(first, second), () -> splitEvenly(6, List.of(first, second)),
                    "the two remaining consumers to split 6 partitions again");
        }
    }

    @Test
    void committedOffsetsAreWhereTheNextMemberResumes() throws Exception {
        broker.createTopic("kip848-offsets", 1);
        broker.produce("kip848-offsets", 0, 0, 10);
        List<String> firstRead = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer("kip848-offsets", Map.of())) {
            consumer.subscribe(List.of("kip848-offsets"));
            Deadline.pollUntil(TIMEOUT, () -> consumer.poll(POLL).forEach(r -> firstRead.add(r.value())),
                    () -> firstRead.size() >= 10, "the first consumer to read 10 records");
            consumer.commitSync(Duration.ofSeconds(30));
        }
        broker.produce("kip848-offsets", 0, 10, 15);
        List<String> secondRead = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer("kip848-offsets", Map.of())) {
            consumer.subscribe(List.of("kip848-offsets"));
            Deadline.pollUntil(TIMEOUT, () -> consumer.poll(POLL).forEach(r -> secondRead.add(r.value())),
                    () -> secondRead.size() >= 5, "the second consumer to read the 5 new records");
        }
        assertThat(secondRead).containsExactly("value-10", "value-11", "value-12", "value-13", "value-14");
    }

    @Test
    void aStaticMemberRejoinsWithItsPartitionsAndNoNewGroupEpoch() throws Exception {
        broker.createTopic("kip848-static", 4);
        Set<TopicPartition> before;
        int epochBefore;
        try (Admin admin = broker.admin();
             KafkaConsumer<String, String> other = consumer("kip848-static", Map.of())) {
            other.subscribe(List.of("kip848-static"));
            try (KafkaConsumer<String, String> member = consumer("kip848-static",
                    Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-1"))) {
                member.subscribe(List.of("kip848-static"));
                Deadline.pollUntil(TIMEOUT, () -> pollAll(other, member),
                        () -> splitEvenly(4, List.of(other, member)), "two consumers to split 4 partitions");
                before = Set.copyOf(member.assignment());
                epochBefore = describe(admin, "kip848-static").groupEpoch().orElseThrow();
            }
            try (KafkaConsumer<String, String> again = consumer("kip848-static",
                    Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-1"))) {
                again.subscribe(List.of("kip848-static"));
                Deadline.pollUntil(TIMEOUT, () -> pollAll(other, again), () -> !again.assignment().isEmpty(),
                        "the static member to be back");
                assertThat(again.assignment()).isEqualTo(before);
                ConsumerGroupDescription group = describe(admin, "kip848-static");
                assertThat(group.groupEpoch()).hasValue(epochBefore);
                assertThat(group.members()).extracting(MemberDescription::groupInstanceId)
                        .contains(java.util.Optional.of("instance-1"));
            }
        }
    }

    @Test
    void aRegularExpressionSubscriptionPicksUpATopicCreatedLater() throws Exception {
        broker.createTopic("kip848-re-one", 2);
        try (KafkaConsumer<String, String> consumer = consumer("kip848-regex", Map.of())) {
            consumer.subscribe(new SubscriptionPattern("kip848-re-.*"));
            Deadline.pollUntil(TIMEOUT, () -> consumer.poll(POLL), () -> consumer.assignment().size() == 2,
                    "the consumer to get the partitions of kip848-re-one");
            broker.createTopic("kip848-re-two", 3);
            broker.produce("kip848-re-two", 0, 0, 3);
            List<ConsumerRecord<String, String>> fromLater = new ArrayList<>();
            Deadline.pollUntil(TIMEOUT, () -> consumer.poll(POLL).forEach(r -> {
                if (r.topic().equals("kip848-re-two")) {
                    fromLater.add(r);
                }
            }), () -> consumer.assignment().size() == 5 && fromLater.size() == 3,
                    "the consumer to read the topic created after it subscribed");
        }
    }

    @Test
    void theAdminClientDescribesClassicAndConsumerGroupsSideBySide() throws Exception {
        broker.createTopic("kip848-mixed", 2);
        try (KafkaConsumer<String, String> modern = consumer("kip848-modern-group", Map.of());
             KafkaConsumer<String, String> classic = broker.consumer("kip848-classic-group", Map.of());
             Admin admin = broker.admin()) {
            modern.subscribe(List.of("kip848-mixed"));
            classic.subscribe(List.of("kip848-mixed"));
            Deadline.pollUntil(TIMEOUT, () -> pollAll(modern, classic),
                    () -> modern.assignment().size() == 2 && classic.assignment().size() == 2,
                    "both groups to own both partitions");
            Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(
                    List.of("kip848-modern-group", "kip848-classic-group")).all().get(30, TimeUnit.SECONDS);
            assertThat(described.get("kip848-modern-group").type()).isEqualTo(GroupType.CONSUMER);
            assertThat(described.get("kip848-classic-group").type()).isEqualTo(GroupType.CLASSIC);
            assertThat(described.get("kip848-modern-group").members()).singleElement()
                    .satisfies(member -> assertThat(member.assignment().topicPartitions()).hasSize(2));
            // kafka-features.sh describe: the KIP-848 protocol is on.
            assertThat(admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS).finalizedFeatures()
                    .get("group.version").maxVersionLevel()).isEqualTo((short) 1);
        }
    }

    @Test
    void aClassicGroupMigratesToTheConsumerProtocolAndBackWhileItsClassicMemberKeepsConsuming() throws Exception {
        broker.createTopic("kip848-migrate", 4);
        try (KafkaConsumer<String, String> classic = broker.consumer("kip848-migrate", Map.of());
             Admin admin = broker.admin()) {
            classic.subscribe(List.of("kip848-migrate"));
            Deadline.pollUntil(TIMEOUT, () -> classic.poll(POLL), () -> classic.assignment().size() == 4,
                    "the classic consumer to own all 4 partitions");
            assertThat(describe(admin, "kip848-migrate").type()).isEqualTo(GroupType.CLASSIC);

            try (KafkaConsumer<String, String> modern = consumer("kip848-migrate", Map.of())) {
                modern.subscribe(List.of("kip848-migrate"));
                Deadline.pollUntil(TIMEOUT, () -> pollAll(classic, modern),
                        () -> splitEvenly(4, List.of(classic, modern)),
                        "the classic and the KIP-848 consumer to split 4 partitions in one group");
                ConsumerGroupDescription mixed = describe(admin, "kip848-migrate");
                assertThat(mixed.type()).isEqualTo(GroupType.CONSUMER);
                assertThat(mixed.members()).hasSize(2);

                broker.produce("kip848-migrate", null, 0, 40);
                List<String> read = new ArrayList<>();
                Deadline.pollUntil(TIMEOUT, () -> {
                    classic.poll(POLL).forEach(r -> read.add(r.value()));
                    modern.poll(POLL).forEach(r -> read.add(r.value()));
                }, () -> read.size() >= 40, "both members to read the 40 records");
                assertThat(read).doesNotHaveDuplicates().hasSize(40);
            }
            // The KIP-848 member left: the group is classic again and the classic member takes every partition.
            Deadline.pollUntil(TIMEOUT, () -> classic.poll(POLL), () -> classic.assignment().size() == 4,
                    "the classic consumer to own all 4 partitions again");
            Deadline.pollUntil(TIMEOUT, () -> classic.poll(POLL), () -> {
                try {
                    return describe(admin, "kip848-migrate").type() == GroupType.CLASSIC;
                } catch (Exception e) {
                    return false;
                }
            }, "the group to be classic again");
        }
    }

    @Test
    void groupConfigsAreDescribedAndAlteredAsKafkaConfigsDoesAndReachTheMembers() throws Exception {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, "kip848-configured");
        try (Admin admin = broker.admin()) {
            Config before = admin.describeConfigs(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group);
            assertThat(before.get("consumer.session.timeout.ms").value()).isEqualTo("10000");
            assertThat(before.get("consumer.session.timeout.ms").source())
                    .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);

            admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(
                    new ConfigEntry("consumer.session.timeout.ms", "20000"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            Poll.until(TIMEOUT, () -> {
                try {
                    ConfigEntry entry = admin.describeConfigs(List.of(group)).all().get(30, TimeUnit.SECONDS)
                            .get(group).get("consumer.session.timeout.ms");
                    return entry.value().equals("20000") && entry.source() == ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG;
                } catch (Exception e) {
                    return false;
                }
            }, "the override to be described");

            Throwable outOfBounds = org.assertj.core.api.Assertions.catchThrowable(() -> admin.incrementalAlterConfigs(
                    Map.of(group, List.of(new AlterConfigOp(new ConfigEntry("consumer.session.timeout.ms", "100"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS));
            assertThat(outOfBounds).hasCauseInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("must be between");
            Throwable unknown = org.assertj.core.api.Assertions.catchThrowable(() -> admin.incrementalAlterConfigs(
                    Map.of(group, List.of(new AlterConfigOp(new ConfigEntry("no.such.key", "1"),
                            AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS));
            assertThat(unknown).hasCauseInstanceOf(InvalidConfigurationException.class);

            admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(
                    new ConfigEntry("consumer.session.timeout.ms", ""), AlterConfigOp.OpType.DELETE))))
                    .all().get(30, TimeUnit.SECONDS);
            Poll.until(TIMEOUT, () -> {
                try {
                    return admin.describeConfigs(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group)
                            .get("consumer.session.timeout.ms").value().equals("10000");
                } catch (Exception e) {
                    return false;
                }
            }, "the override to be gone");
        }
    }

    private static ConsumerGroupDescription describe(Admin admin, String groupId) throws Exception {
        return admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                .get(30, TimeUnit.SECONDS);
    }
}
