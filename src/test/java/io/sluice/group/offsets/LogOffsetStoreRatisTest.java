package io.sluice.group.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.coordinator.PartitionWriter;
import io.sluice.partition.ReplicaManager;
import io.sluice.testing.TestReplicas;
import io.sluice.config.BrokerConfig;
import io.sluice.group.CommittedOffset;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.quorum.MetadataServiceConfig;
import io.sluice.quorum.RatisMetadataService;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store wired as the server wires it, on the real metadata quorum, across a full restart. */
class LogOffsetStoreRatisTest {
    @TempDir
    Path dir;

    @Test
    void offsetsSurviveARestartOfLogsAndMetadata() {
        BrokerConfig config = BrokerConfig.of(Map.of("log.dirs", dir.toString(), "offsets.topic.num.partitions", "4"));
        TopicPartition orders = new TopicPartition("orders", 0);
        CommittedOffset committed = new CommittedOffset(42, 0, "m", 1000, -1);

        try (Broker broker = new Broker(config)) {
            broker.store.commit("g1", Map.of(orders, committed)).join();
            assertThat(broker.metadata.image().topic(OffsetsTopic.NAME).configs())
                    .containsEntry("cleanup.policy", "compact");
        }
        try (Broker broker = new Broker(config)) {
            assertThat(broker.store.fetch("g1")).isEqualTo(Map.of(orders, committed));
            assertThat(broker.metadata.image().topic(OffsetsTopic.NAME).partitions()).hasSize(4);
        }
    }

    /** The start-up order of SluiceServer, reduced to what the store needs. */
    private static final class Broker implements AutoCloseable {
        final LogManager logs;
        final RatisMetadataService metadata;
        final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        final LogOffsetStore store;

        Broker(BrokerConfig config) {
            logs = new LogManager(config.logDirs(), config.topicDefaults(), config.logRetentionCheckIntervalMs(), Time.SYSTEM);
            logs.startup();
            metadata = RatisMetadataService.start(MetadataServiceConfig.singleNode(
                    config.logDirs().get(0).resolve("__cluster_metadata"), 1, 1, (short) 1, LogConfig::validate));
            ReplicaManager partitions = TestReplicas.replicaManager(1, logs, config.topicDefaults());
            metadata.addListener(partitions);
            metadata.controller().registerBroker(1, "localhost", 9092, null).join();
            store = LogOffsetStore.start(metadata, PartitionWriter.of(partitions), config, group -> true, scheduler);
        }

        @Override
        public void close() {
            store.close();
            scheduler.shutdownNow();
            metadata.close();
            logs.shutdown();
        }
    }
}
