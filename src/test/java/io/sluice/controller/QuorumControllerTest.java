package io.sluice.controller;

import static io.sluice.controller.Futures.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QuorumControllerTest {
    private InMemoryMetadataLog log;
    private QuorumController controller;
    private final List<Map<String, String>> validated = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        log = new InMemoryMetadataLog();
        controller = new QuorumController(log::image, log, 3, (short) 1, configs -> {
            validated.add(Map.copyOf(configs));
            if (configs.containsKey("bad.key")) {
                throw new InvalidConfigurationException("Unknown topic config name: bad.key");
            }
        });
        for (int broker = 1; broker <= 3; broker++) {
            get(controller.registerBroker(broker, "host" + broker, 9090 + broker, null));
        }
    }

    private static Throwable failure(CompletableFuture<?> future) {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void createTopicUsesDefaultsAndRoundRobinAssignment() throws Exception {
        Uuid id = get(controller.createTopic("orders", -1, (short) 2, Map.of("retention.ms", "10"), false));
        TopicImage topic = log.image().topic("orders");
        assertThat(topic.id()).isEqualTo(id);
        assertThat(topic.partitions()).hasSize(3);
        assertThat(topic.configs()).containsExactly(Map.entry("retention.ms", "10"));
        for (PartitionImage p : topic.partitions().values()) {
            assertThat(p.replicas()).hasSize(2).doesNotHaveDuplicates();
            assertThat(p.isr()).isEqualTo(p.replicas());
            assertThat(p.leader()).isEqualTo(p.replicas().get(0));
            assertThat(p.leaderEpoch()).isZero();
            assertThat(p.partitionEpoch()).isZero();
        }
        assertThat(topic.partitions().values().stream().map(PartitionImage::leader).distinct()).hasSize(3);
        assertThat(get(controller.createTopic("single", 1, (short) -1, Map.of(), false))).isNotEqualTo(id);
        assertThat(log.image().topic("single").partitions().get(0).replicas()).hasSize(1);
    }

    @Test
    void createTopicRejectsInvalidRequests() {
        assertThat(failure(controller.createTopic("", 1, (short) 1, Map.of(), false)))
                .isInstanceOf(InvalidTopicException.class);
        assertThat(failure(controller.createTopic("..", 1, (short) 1, Map.of(), false)))
                .isInstanceOf(InvalidTopicException.class);
        assertThat(failure(controller.createTopic("a b", 1, (short) 1, Map.of(), false)))
                .isInstanceOf(InvalidTopicException.class);
        assertThat(failure(controller.createTopic("x".repeat(250), 1, (short) 1, Map.of(), false)))
                .isInstanceOf(InvalidTopicException.class);
        assertThat(failure(controller.createTopic("t", 0, (short) 1, Map.of(), false)))
                .isInstanceOf(InvalidPartitionsException.class);
        assertThat(failure(controller.createTopic("t", -2, (short) 1, Map.of(), false)))
                .isInstanceOf(InvalidPartitionsException.class);
        assertThat(failure(controller.createTopic("t", 1, (short) 0, Map.of(), false)))
                .isInstanceOf(InvalidReplicationFactorException.class);
        assertThat(failure(controller.createTopic("t", 1, (short) 4, Map.of(), false)))
                .isInstanceOf(InvalidReplicationFactorException.class)
                .hasMessageContaining("only 3 broker(s)");
        assertThat(failure(controller.createTopic("t", 1, (short) 1, Map.of("bad.key", "1"), false)))
                .isInstanceOf(InvalidConfigurationException.class);
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("retention.ms", null);
        assertThat(failure(controller.createTopic("t", 1, (short) 1, nullValue, false)))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(log.image().topicsByName()).isEmpty();
    }

    @Test
    void duplicateAndCollidingNamesAreRejected() throws Exception {
        get(controller.createTopic("a.b", 1, (short) 1, Map.of(), false));
        assertThat(failure(controller.createTopic("a.b", 1, (short) 1, Map.of(), false)))
                .isInstanceOf(TopicExistsException.class).hasMessage("Topic 'a.b' already exists.");
        assertThat(failure(controller.createTopic("a_b", 1, (short) 1, Map.of(), false)))
                .isInstanceOf(InvalidTopicException.class).hasMessageContaining("collides");
        get(controller.createTopic("__internal", 1, (short) 1, Map.of(), false));
        assertThat(log.image().topicsByName()).containsOnlyKeys("a.b", "__internal");
    }

    @Test
    void concurrentCreatesOfOneNameLetExactlyOneWin() {
        CompletableFuture<Uuid> first = controller.createTopic("race", 1, (short) 1, Map.of(), false);
        CompletableFuture<Uuid> second = controller.createTopic("race", 1, (short) 1, Map.of(), false);
        assertThat(first).succeedsWithin(java.time.Duration.ofSeconds(5));
        assertThat(failure(second)).isInstanceOf(TopicExistsException.class);
    }

    @Test
    void validateOnlyChangesNothing() throws Exception {
        int batches = log.committed.size();
        assertThat(get(controller.createTopic("v", 2, (short) 1, Map.of("k", "v"), true))).isEqualTo(Uuid.ZERO_UUID);
        assertThat(validated).contains(Map.of("k", "v"));
        get(controller.createTopic("w", 1, (short) 1, Map.of(), false));
        get(controller.createPartitions("w", 5, true));
        get(controller.alterTopicConfigs("w", Map.of("k", "v"), true, true));
        assertThat(log.committed).hasSize(batches + 1);
        assertThat(log.image().topic("v")).isNull();
        assertThat(log.image().topic("w").partitions()).hasSize(1);
        assertThat(log.image().topic("w").configs()).isEmpty();
    }

    @Test
    void deleteTopic() throws Exception {
        get(controller.createTopic("gone", 1, (short) 1, Map.of(), false));
        get(controller.deleteTopic("gone"));
        assertThat(log.image().topic("gone")).isNull();
        assertThat(failure(controller.deleteTopic("gone"))).isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void createPartitionsOnlyGrows() throws Exception {
        get(controller.createTopic("p", 2, (short) 2, Map.of(), false));
        assertThat(failure(controller.createPartitions("p", 1, false)))
                .isInstanceOf(InvalidPartitionsException.class)
                .hasMessage("The topic p currently has 2 partition(s); 1 would not be an increase.");
        assertThat(failure(controller.createPartitions("p", 2, false)))
                .isInstanceOf(InvalidPartitionsException.class).hasMessage("Topic already has 2 partition(s).");
        assertThat(failure(controller.createPartitions("nope", 3, false)))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        get(controller.createPartitions("p", 5, false));
        TopicImage topic = log.image().topic("p");
        assertThat(topic.partitions().keySet()).containsExactly(0, 1, 2, 3, 4);
        assertThat(topic.partitions().get(4).replicas()).hasSize(2);
    }

    @Test
    void alterConfigsIncrementallyAndByReplacement() throws Exception {
        get(controller.createTopic("c", 1, (short) 1, Map.of("a", "1", "b", "2"), false));
        Map<String, String> changes = new HashMap<>();
        changes.put("a", null);
        changes.put("c", "3");
        get(controller.alterTopicConfigs("c", changes, true, false));
        assertThat(log.image().topic("c").configs()).isEqualTo(Map.of("b", "2", "c", "3"));
        assertThat(validated).contains(Map.of("b", "2", "c", "3"));
        get(controller.alterTopicConfigs("c", Map.of("d", "4"), false, false));
        assertThat(log.image().topic("c").configs()).isEqualTo(Map.of("d", "4"));
        assertThat(failure(controller.alterTopicConfigs("c", Map.of("bad.key", "x"), true, false)))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThat(failure(controller.alterTopicConfigs("nope", Map.of(), true, false)))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(log.image().topic("c").configs()).isEqualTo(Map.of("d", "4"));
    }

    @Test
    void producerIdBlocksAreDisjoint() throws Exception {
        CompletableFuture<Long> a = controller.allocateProducerIds(1, 1000);
        CompletableFuture<Long> b = controller.allocateProducerIds(2, 1000);
        long first = get(a);
        long second = get(b);
        assertThat(first).isZero();
        assertThat(second).isEqualTo(1000);
        assertThat(log.image().nextProducerId()).isEqualTo(2000);
        assertThat(failure(controller.allocateProducerIds(1, 0))).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void reRegistrationUpdatesTheAddressAndIdenticalOneWritesNothing() throws Exception {
        int batches = log.committed.size();
        get(controller.registerBroker(1, "host1", 9091, null));
        assertThat(log.committed).hasSize(batches);
        get(controller.registerBroker(1, "moved", 7000, "r1"));
        MetadataImage image = log.image();
        assertThat(image.brokers().get(1).host()).isEqualTo("moved");
        assertThat(image.brokers().get(1).port()).isEqualTo(7000);
        assertThat(image.brokers().get(1).rack()).isEqualTo("r1");
        assertThat(image.brokers()).hasSize(3);
    }
}
