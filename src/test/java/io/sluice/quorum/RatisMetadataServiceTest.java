package io.sluice.quorum;

import io.sluice.metadata.MetadataImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.controller.Controller;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.ratis.util.LifeCycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatisMetadataServiceTest {
    private static final Consumer<Map<String, String>> FAKE_VALIDATOR = configs -> {
        if (configs.containsKey("bad.key")) {
            throw new InvalidConfigurationException("Unknown topic config name: bad.key");
        }
    };

    @TempDir
    Path dir;
    private final List<RatisMetadataService> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(RatisMetadataService::close);
    }

    private MetadataServiceConfig config() {
        return MetadataServiceConfig.singleNode(dir.resolve("__cluster_metadata"), 1, 2, (short) 1, FAKE_VALIDATOR);
    }

    private RatisMetadataService start(MetadataServiceConfig config) {
        RatisMetadataService service = RatisMetadataService.start(config);
        started.add(service);
        return service;
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void singleNodeStartsAsLeaderQuicklyAndRecordsTheClusterId() {
        long begin = System.nanoTime();
        RatisMetadataService service = start(config());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);

        assertThat(service.isActiveController()).isTrue();
        assertThat(tookMs).as("start time in ms").isLessThan(5_000);
        assertThat(service.image().clusterId()).isEqualTo(service.clusterId()).isNotBlank();
        assertThat(dir.resolve("__cluster_metadata").resolve(MetaProperties.FILE_NAME)).exists();
        assertThat(dir.resolve("__cluster_metadata").resolve(RatisMetadataService.RAFT_DIR)
                .resolve(service.groupId().getUuid().toString())).isDirectory();
    }

    @Test
    void topicsConfigsAndProducerIdsSurviveARestart() throws Exception {
        RatisMetadataService service = start(config());
        Controller controller = service.controller();
        get(controller.registerBroker(1, "localhost", 9092, null));

        Uuid orders = get(controller.createTopic("orders", 3, (short) 1, Map.of("retention.ms", "1000"), false));
        Uuid internal = get(controller.createTopic("__consumer_offsets", -1, (short) -1, Map.of(), false));
        // The future completes only after the local image has the change.
        assertThat(service.image().topic("orders").id()).isEqualTo(orders);
        assertThat(service.image().topic("orders").partitions()).hasSize(3);
        assertThat(service.image().topic(internal).partitions()).hasSize(2);

        assertThat(failure(controller.createTopic("orders", 1, (short) 1, Map.of(), false)))
                .isInstanceOf(TopicExistsException.class);
        assertThat(failure(controller.createTopic("bad/name", 1, (short) 1, Map.of(), false)))
                .isInstanceOf(InvalidTopicException.class);
        assertThat(failure(controller.createTopic("zero", 0, (short) 1, Map.of(), false)))
                .isInstanceOf(InvalidPartitionsException.class);
        assertThat(failure(controller.createTopic("cfg", 1, (short) 1, Map.of("bad.key", "1"), false)))
                .isInstanceOf(InvalidConfigurationException.class);

        Map<String, String> changes = new HashMap<>();
        changes.put("retention.ms", null);
        changes.put("segment.bytes", "1048576");
        get(controller.alterTopicConfigs("orders", changes, true, false));
        assertThat(service.image().topic("orders").configs()).isEqualTo(Map.of("segment.bytes", "1048576"));

        long first = get(controller.allocateProducerIds(1, 1000));
        long second = get(controller.allocateProducerIds(1, 1000));
        assertThat(second).isEqualTo(first + 1000);

        MetadataImage before = service.image();
        String clusterId = service.clusterId();
        service.close();

        RatisMetadataService restarted = start(config());
        MetadataImage after = restarted.image();
        assertThat(restarted.clusterId()).isEqualTo(clusterId);
        assertThat(after.clusterId()).isEqualTo(clusterId);
        assertThat(after.topicsByName()).isEqualTo(before.topicsByName());
        assertThat(after.topicsById()).isEqualTo(before.topicsById());
        assertThat(after.brokers()).isEqualTo(before.brokers());
        assertThat(after.nextProducerId()).isEqualTo(2000);
        assertThat(get(restarted.controller().allocateProducerIds(1, 10))).isEqualTo(2000);
        assertThat(get(restarted.controller().createTopic("later", 1, (short) 1, Map.of(), false)))
                .isNotIn(orders, internal);
    }

    @Test
    void restartLoadsTheNewestSnapshot() throws Exception {
        MetadataServiceConfig config = config().withSnapshotThreshold(20);
        RatisMetadataService service = start(config);
        Controller controller = service.controller();
        get(controller.registerBroker(1, "localhost", 9092, null));
        for (int i = 0; i < 30; i++) {
            get(controller.createTopic("t" + i, 1, (short) 1, Map.of("i", Integer.toString(i)), false));
        }
        Path smDir = dir.resolve("__cluster_metadata").resolve(RatisMetadataService.RAFT_DIR)
                .resolve(service.groupId().getUuid().toString()).resolve("sm");
        awaitSnapshotFile(smDir);
        MetadataImage before = service.image();
        service.close();

        RatisMetadataService restarted = start(config);
        assertThat(restarted.loadedSnapshotIndex()).isGreaterThanOrEqualTo(20);
        MetadataImage after = restarted.image();
        assertThat(after.topicsByName()).isEqualTo(before.topicsByName());
        assertThat(after.clusterId()).isEqualTo(before.clusterId());
        assertThat(after.topic("t29").configs()).containsEntry("i", "29");
    }

    private static void awaitSnapshotFile(Path smDir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(smDir)) {
                try (Stream<Path> files = Files.list(smDir)) {
                    if (files.anyMatch(f -> f.getFileName().toString().endsWith(".md5"))) {
                        return;
                    }
                }
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError("no snapshot written in " + smDir);
    }

    @Test
    void pauseAndReinitializeReloadTheSnapshotAndResumeRunning() throws Exception {
        RatisMetadataService service = start(config());
        get(service.controller().registerBroker(1, "localhost", 9092, null));
        get(service.controller().createTopic("kept", 2, (short) 1, Map.of("k", "v"), false));
        long snapshotIndex = service.takeSnapshot(Duration.ofSeconds(10));
        MetadataImage before = service.image();
        List<MetadataImage> published = new ArrayList<>();
        service.addListener((previous, current) -> published.add(current));

        MetadataStateMachine stateMachine = service.stateMachine();
        stateMachine.pause();
        assertThat(stateMachine.getLifeCycleState()).isEqualTo(LifeCycle.State.PAUSED);
        stateMachine.reinitialize();
        assertThat(stateMachine.getLifeCycleState()).isEqualTo(LifeCycle.State.RUNNING);

        assertThat(service.loadedSnapshotIndex()).isEqualTo(snapshotIndex);
        assertThat(published).as("the image at subscription, then the reloaded one").hasSize(2);
        assertThat(published.get(0)).isSameAs(before);
        assertThat(service.image().topicsByName()).isEqualTo(before.topicsByName());
        assertThat(service.image().clusterId()).isEqualTo(before.clusterId());
        get(service.controller().createTopic("after", 1, (short) 1, Map.of(), false));
        assertThat(service.image().topicsByName()).containsOnlyKeys("kept", "after");
    }

    @Test
    void aListenerSubscribingWhileRecordsApplyGetsOneUnbrokenStreamStartingFromTheCurrentImage() throws Exception {
        RatisMetadataService service = start(config());
        Controller controller = service.controller();
        get(controller.registerBroker(1, "localhost", 9092, null));
        CompletableFuture<Void> creating = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 30; i++) {
                controller.createTopic("c" + i, 1, (short) 1, Map.of(), false).join();
            }
        });
        List<List<MetadataImage[]>> streams = new ArrayList<>();
        for (int s = 0; s < 10; s++) {
            List<MetadataImage[]> stream = new ArrayList<>();
            streams.add(stream);
            service.addListener((previous, current) -> {
                synchronized (stream) {
                    stream.add(new MetadataImage[] {previous, current});
                }
            });
        }
        creating.get(60, TimeUnit.SECONDS);
        long last = service.image().offset();

        for (List<MetadataImage[]> stream : streams) {
            synchronized (stream) {
                assertThat(stream.get(0)[0]).as("the first delivery is the current image").isNull();
                for (int i = 1; i < stream.size(); i++) {
                    assertThat(stream.get(i)[0]).as("no image skipped, repeated or out of order")
                            .isSameAs(stream.get(i - 1)[1]);
                }
                assertThat(stream.get(stream.size() - 1)[1].offset()).isEqualTo(last);
            }
        }
    }

    @Test
    void listenersSeeEveryImageInOrder() throws Exception {
        RatisMetadataService service = start(config());
        List<MetadataImage[]> seen = new ArrayList<>();
        service.addListener((previous, current) -> {
            synchronized (seen) {
                seen.add(new MetadataImage[] {previous, current});
            }
        });
        Controller controller = service.controller();
        get(controller.registerBroker(1, "localhost", 9092, null));
        for (int i = 0; i < 5; i++) {
            get(controller.createTopic("l" + i, 1, (short) 1, Map.of(), false));
        }
        synchronized (seen) {
            assertThat(seen).as("the image at subscription, then six records").hasSize(7);
            assertThat(seen.get(0)[0]).isNull();
            for (int i = 1; i < seen.size(); i++) {
                MetadataImage[] pair = seen.get(i);
                assertThat(pair[1].offset()).isGreaterThan(pair[0].offset());
                assertThat(pair[0]).isSameAs(seen.get(i - 1)[1]);
            }
            assertThat(seen.get(1)[1].brokers()).containsKey(1);
            assertThat(seen.get(6)[1].topicsByName()).containsOnlyKeys("l0", "l1", "l2", "l3", "l4");
            assertThat(seen.get(6)[1]).isSameAs(service.image());
        }
    }

    @Test
    void aDirectoryOfAnotherClusterIsRefused() {
        RatisMetadataService service = start(config());
        service.close();
        assertThatThrownBy(() -> start(config().withClusterId("someOtherClusterId")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("belongs to cluster");
    }
}
