package io.sluice.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.Clients;
import io.sluice.it.Poll;
import io.sluice.it.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A consumer group survives the SIGKILL of its coordinator: on three broker processes, __consumer_offsets is
 * replicated three ways, the group's coordinator moves to the new leader of its offsets partition, and the
 * group goes on consuming and committing without skipping a record or moving a committed offset backwards.
 * The group's membership is stored in the same partition, so the new coordinator knows the members: they keep
 * their member ids and generation (or, with KIP-848's protocol, their member epochs and assignments), and no commit
 * is refused for being from an unknown member.
 */
class CoordinatorFailoverIntegrationTest {
    private static final String TOPIC = "events";
    private static final String GROUP = "failover-group";
    private static final int PARTITIONS = 3;
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final int BEFORE_KILL = 600;
    private static final int AFTER_FAILOVER = 300;

    @TempDir
    Path dir;
    private List<SluiceProcess> nodes = List.of();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        stopping.set(true);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        nodes.forEach(SluiceProcess::close);
    }

    /** Sends numbered records with acks=all in batches of 20, and remembers every acknowledged one. */
    private final class Producing implements Runnable {
        final String bootstrap;
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final List<Exception> failures = new CopyOnWriteArrayList<>();
        final AtomicInteger next = new AtomicInteger();
        final AtomicBoolean done = new AtomicBoolean();

        Producing(String bootstrap) {
            this.bootstrap = bootstrap;
        }

        @Override
        public void run() {
            try (KafkaProducer<String, String> producer = Clients.producer(bootstrap, Map.of(
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000))) {
                while (!stopping.get() && !done.get()) {
                    for (int i = 0; i < 20; i++) {
                        String value = "v-" + next.getAndIncrement();
                        producer.send(new ProducerRecord<>(TOPIC, value, value), (metadata, error) -> {
                            if (error == null) {
                                acked.add(value);
                            } else {
                                failures.add(error);
                            }
                        });
                    }
                    producer.flush();
                }
            }
        }
    }

    /** One group member: polls, remembers what it saw, commits synchronously after every non-empty poll. */
    private final class Consuming implements Runnable {
        final String bootstrap;
        final Set<String> consumed;
        final AtomicLong killedAtNanos;
        final AtomicLong firstCommitAfterKillNanos;
        final List<String> commitErrors = new CopyOnWriteArrayList<>();
        final String protocol;

        Consuming(String bootstrap, String protocol, Set<String> consumed, AtomicLong killedAtNanos,
                  AtomicLong firstCommitAfterKillNanos) {
            this.bootstrap = bootstrap;
            this.protocol = protocol;
            this.consumed = consumed;
            this.killedAtNanos = killedAtNanos;
            this.firstCommitAfterKillNanos = firstCommitAfterKillNanos;
        }

        @Override
        public void run() {
            Map<String, Object> settings = new HashMap<>(Map.of(ConsumerConfig.GROUP_ID_CONFIG, GROUP,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50, ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol));
            if (protocol.equals("classic")) {
                // KIP-848 members take their session and heartbeat interval from the broker.
                settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
                settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
            }
            try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrap, settings)) {
                consumer.subscribe(List.of(TOPIC));
                while (!stopping.get()) {
                    try {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                            consumed.add(record.value());
                        }
                        long before = System.nanoTime();
                        consumer.commitSync(Duration.ofSeconds(15));
                        long killed = killedAtNanos.get();
                        if (killed != 0 && before - killed > 0) {
                            firstCommitAfterKillNanos.compareAndSet(0, System.nanoTime());
                        }
                    } catch (KafkaException e) {
                        // A commit may time out while the coordinator moves; the records are delivered again
                        // from the last committed offset, which is what at-least-once means.
                        commitErrors.add(e.getClass().getSimpleName());
                    }
                }
            }
        }
    }

    private Thread startThread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
        return thread;
    }

    private static Map<TopicPartition, Long> committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((tp, offset) -> {
            if (offset != null) {
                result.put(tp, offset.offset());
            }
        });
        return result;
    }

    private static int coordinatorId(Admin admin) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get(20, TimeUnit.SECONDS)
                .get(GROUP);
        return group.coordinator().id();
    }

    private static Set<String> memberIds(Admin admin) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get(20, TimeUnit.SECONDS)
                .get(GROUP);
        return group.members().stream().map(m -> m.consumerId()).collect(Collectors.toSet());
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic);
    }

    private static boolean everyCommittedOffsetReachesTheEnd(Admin admin, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, Long> now = committed(admin);
        return ends.entrySet().stream().allMatch(e -> now.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void aConsumerGroupSurvivesTheKillOfItsCoordinator(String protocol) throws Exception {
        nodes = SluiceProcess.startCluster(dir, 3, Map.of(
                "broker.session.timeout.ms", "3000",
                "replica.lag.time.max.ms", "10000",
                "offsets.topic.num.partitions", "5",
                "group.initial.rebalance.delay.ms", "0",
                "group.consumer.heartbeat.interval.ms", "500",
                "group.consumer.min.heartbeat.interval.ms", "500",
                "group.consumer.session.timeout.ms", "10000",
                "group.consumer.min.session.timeout.ms", "10000"));
        String all = nodes.stream().map(SluiceProcess::bootstrap).collect(Collectors.joining(","));
        try (Admin admin = Clients.admin(all)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(20, TimeUnit.SECONDS);
            Poll.until(WAIT, () -> {
                try {
                    return describe(admin, TOPIC).partitions().stream().allMatch(p -> p.isr().size() == 3);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "a full ISR for " + TOPIC);
        }

        Producing producing = new Producing(all);
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        AtomicLong killedAt = new AtomicLong();
        AtomicLong firstCommitAfterKill = new AtomicLong();
        List<Consuming> members = List.of(new Consuming(all, protocol, consumed, killedAt, firstCommitAfterKill),
                new Consuming(all, protocol, consumed, killedAt, firstCommitAfterKill));
        for (int i = 0; i < members.size(); i++) {
            startThread(members.get(i), "member-" + i);
        }
        startThread(producing, "producer");

        SluiceProcess coordinator;
        Map<TopicPartition, Long> committedBefore;
        Set<String> membersBefore;
        try (Admin admin = Clients.admin(all)) {
            Poll.until(WAIT, () -> producing.acked.size() >= BEFORE_KILL && consumed.size() >= BEFORE_KILL,
                    BEFORE_KILL + " records produced and consumed");
            TopicDescription offsetsTopic = describe(admin, "__consumer_offsets");
            assertThat(offsetsTopic.partitions()).hasSize(5)
                    .allSatisfy(p -> assertThat(p.replicas()).as("offsets.topic.replication.factor 3").hasSize(3));
            Poll.until(WAIT, () -> {
                try {
                    return committed(admin).size() == PARTITIONS;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "a committed offset for every partition");
            int coordinatorId = coordinatorId(admin);
            coordinator = nodes.get(coordinatorId - 1);
            committedBefore = committed(admin);
            membersBefore = memberIds(admin);
        }
        assertThat(membersBefore).hasSize(members.size());

        coordinator.kill9();
        killedAt.set(System.nanoTime());
        int ackedAtKill = producing.acked.size();
        List<SluiceProcess> survivors = nodes.stream().filter(n -> n != coordinator).toList();
        String survivorBootstrap = survivors.stream().map(SluiceProcess::bootstrap).collect(Collectors.joining(","));

        try (Admin admin = Clients.admin(survivorBootstrap)) {
            Poll.until(WAIT, () -> firstCommitAfterKill.get() != 0, "a successful commit after the kill");
            long failoverMs = TimeUnit.NANOSECONDS.toMillis(firstCommitAfterKill.get() - killedAt.get());
            System.out.printf("Coordinator failover (kill -9 of broker %d to first successful commit): %d ms%n",
                    coordinator.nodeId(), failoverMs);
            Poll.until(WAIT, () -> {
                try {
                    int now = coordinatorId(admin);
                    return now != coordinator.nodeId() && survivors.stream().anyMatch(n -> n.nodeId() == now);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "a live coordinator for the group");
            Poll.until(WAIT, () -> producing.acked.size() >= ackedAtKill + AFTER_FAILOVER,
                    AFTER_FAILOVER + " more records acknowledged after the kill");
            producing.done.set(true);
            threads.get(threads.size() - 1).join(TimeUnit.SECONDS.toMillis(60));
            assertThat(producing.failures).as("acks=all sends that failed").isEmpty();
            Set<String> produced = Set.copyOf(producing.acked);
            assertThat(produced).hasSize(producing.next.get());

            Poll.until(WAIT, () -> consumed.containsAll(produced), "every produced record consumed");
            Map<TopicPartition, Long> ends = Clients.endOffsets(survivorBootstrap, Clients.partitions(TOPIC, PARTITIONS));
            Poll.until(WAIT, () -> {
                try {
                    return everyCommittedOffsetReachesTheEnd(admin, ends);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "the group to commit up to the end of every partition");
            Map<TopicPartition, Long> committedAfter = committed(admin);
            committedBefore.forEach((tp, offset) ->
                    assertThat(committedAfter.get(tp)).as("committed offset of %s", tp).isGreaterThanOrEqualTo(offset));
            assertThat(consumed).as("consumed set").isEqualTo(produced);
            assertThat(memberIds(admin)).as("members after the failover").isEqualTo(membersBefore);
            assertThat(members).flatExtracting(m -> m.commitErrors)
                    .as("commits refused because the new coordinator did not know the member or its generation")
                    .doesNotContain("CommitFailedException");
            System.out.printf("Produced %d records, consumed %d distinct; commit errors during failover: %s%n",
                    produced.size(), consumed.size(),
                    members.stream().flatMap(m -> m.commitErrors.stream()).collect(Collectors.groupingBy(e -> e,
                            Collectors.counting())));
        }
    }
}
