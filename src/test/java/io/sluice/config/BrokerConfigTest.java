package io.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrokerConfigTest {

    @Test
    void zeroConfigDefaultsDescribeASingleCombinedNode() {
        BrokerConfig config = BrokerConfig.of(Map.of());

        assertThat(config.nodeId()).isEqualTo(1);
        assertThat(config.processRoles()).containsExactly("broker", "controller");
        assertThat(config.listeners()).containsExactly(new Endpoint("PLAINTEXT", "localhost", 9092));
        assertThat(config.advertisedListeners()).containsExactly(new Endpoint("PLAINTEXT", "localhost", 9092));
        assertThat(config.controllerQuorumVoters()).containsExactly(new QuorumVoter(1, "localhost", 9093));
        assertThat(config.controllerListenerNames()).containsExactly("CONTROLLER");
        assertThat(config.logDirs()).containsExactly(Path.of("data").toAbsolutePath());
        assertThat(config.numPartitions()).isEqualTo(1);
        assertThat(config.defaultReplicationFactor()).isEqualTo((short) 1);
        assertThat(config.autoCreateTopicsEnable()).isTrue();
        assertThat(config.logSegmentBytes()).isEqualTo(1073741824);
        assertThat(config.logRollMs()).isEqualTo(168L * 3_600_000L);
        assertThat(config.logRetentionMs()).isEqualTo(168L * 3_600_000L);
        assertThat(config.logRetentionBytes()).isEqualTo(-1L);
        assertThat(config.logRetentionCheckIntervalMs()).isEqualTo(300_000L);
        assertThat(config.messageMaxBytes()).isEqualTo(1048588);
        assertThat(config.socketRequestMaxBytes()).isEqualTo(104857600);
        assertThat(config.logFlushIntervalMessages()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.logFlushIntervalMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(config.logIndexIntervalBytes()).isEqualTo(4096);
        assertThat(config.logMessageTimestampType()).isEqualTo("CreateTime");
        assertThat(config.logCleanupPolicy()).containsExactly("delete");
        assertThat(config.numIoThreads()).isEqualTo(8);
        assertThat(config.numNetworkThreads()).isEqualTo(3);
        assertThat(config.offsetsTopicNumPartitions()).isEqualTo(50);
        assertThat(config.offsetsTopicReplicationFactor()).isEqualTo((short) 3);
        assertThat(config.groupInitialRebalanceDelayMs()).isEqualTo(3000);
        assertThat(config.brokerRack()).isNull();
        assertThat(config.minInsyncReplicas()).isEqualTo(1);
        assertThat(config.uncleanLeaderElectionEnable()).isFalse();
        assertThat(config.logFlushOffsetCheckpointIntervalMs()).isEqualTo(60000);
        assertThat(config.replicaLagTimeMaxMs()).isEqualTo(30000L);
        assertThat(config.brokerSessionTimeoutMs()).isEqualTo(9000);
        assertThat(config.unknownKeys()).isEmpty();
    }

    @Test
    void quorumVotersDefaultFollowsNodeId() {
        BrokerConfig config = BrokerConfig.of(Map.of("node.id", "7"));

        assertThat(config.controllerQuorumVoters()).containsExactly(new QuorumVoter(7, "localhost", 9093));
    }

    @Test
    void aBrokerOnlyNodeMayAskBootstrapServersForTheVoters() {
        BrokerConfig config = BrokerConfig.of(Map.of("process.roles", "broker", "node.id", "4",
                "controller.quorum.bootstrap.servers", "c1:9093, [::1]:9094,c1:9093"));

        assertThat(config.controllerQuorumBootstrapServers()).containsExactly(
                new BootstrapServer("c1", 9093), new BootstrapServer("::1", 9094));
        assertThat(config.controllerQuorumVoters()).isEmpty();
        assertThat(config.values()).containsEntry("controller.quorum.bootstrap.servers", "c1:9093, [::1]:9094,c1:9093")
                .containsEntry("controller.quorum.voters", null);
    }

    @Test
    void consumerGroupTimeoutsMustLieWithinTheirBoundsAsKafkaRequires() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("group.consumer.session.timeout.ms", "10000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("'group.consumer.session.timeout.ms' (10000) must be between "
                        + "'group.consumer.min.session.timeout.ms' (45000) and 'group.consumer.max.session.timeout.ms' "
                        + "(60000); set them together");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("group.consumer.heartbeat.interval.ms", "15000",
                "group.consumer.session.timeout.ms", "15000", "group.consumer.min.session.timeout.ms", "1000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be less than");
        BrokerConfig fast = BrokerConfig.of(Map.of("group.consumer.session.timeout.ms", "10000",
                "group.consumer.min.session.timeout.ms", "10000", "group.consumer.assignors", "range,uniform"));
        assertThat(fast.groupConsumerSessionTimeoutMs()).isEqualTo(10000);
        assertThat(fast.groupConsumerAssignors()).containsExactly("range", "uniform");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("group.consumer.assignors", "sticky")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("group.consumer.assignors");
    }

    @Test
    void votersAndBootstrapServersTogetherAreRefused() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("process.roles", "broker",
                "controller.quorum.voters", "1@c1:9093", "controller.quorum.bootstrap.servers", "c1:9093")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Only one of 'controller.quorum.voters' and 'controller.quorum.bootstrap.servers' may be "
                        + "set: the voters list names the controllers, the bootstrap servers are asked for it");
    }

    @Test
    void aBrokerOnlyNodeWithoutEitherIsRefused() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("process.roles", "broker")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("A broker-only node (process.roles=broker) needs 'controller.quorum.voters' or "
                        + "'controller.quorum.bootstrap.servers' to find the controllers");
    }

    @Test
    void aControllerStillNeedsTheVotersList() {
        for (String roles : List.of("controller", "broker,controller")) {
            assertThatThrownBy(() -> BrokerConfig.of(Map.of("process.roles", roles,
                    "controller.quorum.bootstrap.servers", "c1:9093")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("A node with the controller role needs 'controller.quorum.voters' (the metadata quorum "
                            + "has a fixed set of voters); 'controller.quorum.bootstrap.servers' serves broker-only "
                            + "nodes (process.roles=broker)");
        }
    }

    @Test
    void theZeroConfigNodeAndAControllerOnlyNodeKeepTheDefaultVoter() {
        assertThat(BrokerConfig.of(Map.of()).controllerQuorumBootstrapServers()).isEmpty();
        assertThat(BrokerConfig.of(Map.of("process.roles", "controller")).controllerQuorumVoters())
                .containsExactly(new QuorumVoter(1, "localhost", 9093));
    }

    @Test
    void retentionPrefersMillisThenMinutesThenHours() {
        assertThat(BrokerConfig.of(Map.of("log.retention.hours", "2")).logRetentionMs()).isEqualTo(7_200_000L);
        assertThat(BrokerConfig.of(Map.of("log.retention.hours", "2", "log.retention.minutes", "3")).logRetentionMs())
                .isEqualTo(180_000L);
        assertThat(BrokerConfig.of(Map.of("log.retention.hours", "2", "log.retention.minutes", "3", "log.retention.ms", "1234"))
                .logRetentionMs()).isEqualTo(1234L);
        assertThat(BrokerConfig.of(Map.of("log.retention.ms", "-1")).logRetentionMs()).isEqualTo(-1L);
        assertThat(BrokerConfig.of(Map.of("log.retention.hours", "-1")).logRetentionMs()).isEqualTo(-1L);
    }

    @Test
    void rollPrefersMillisOverHours() {
        assertThat(BrokerConfig.of(Map.of("log.roll.hours", "1")).logRollMs()).isEqualTo(3_600_000L);
        assertThat(BrokerConfig.of(Map.of("log.roll.hours", "1", "log.roll.ms", "500")).logRollMs()).isEqualTo(500L);
    }

    @Test
    void flushIntervalFallsBackToSchedulerInterval() {
        assertThat(BrokerConfig.of(Map.of("log.flush.scheduler.interval.ms", "2000")).logFlushIntervalMs()).isEqualTo(2000L);
        assertThat(BrokerConfig.of(Map.of("log.flush.scheduler.interval.ms", "2000", "log.flush.interval.ms", "10"))
                .logFlushIntervalMs()).isEqualTo(10L);
    }

    @Test
    void logDirsWinOverLogDirAndResolveAgainstWorkingDirectory(@TempDir Path dir) {
        String a = dir.resolve("a").toString();
        String b = dir.resolve("b").toString();

        assertThat(BrokerConfig.of(Map.of("log.dir", a)).logDirs()).containsExactly(Path.of(a));
        assertThat(BrokerConfig.of(Map.of("log.dir", a, "log.dirs", b + " , " + a)).logDirs())
                .containsExactly(Path.of(b), Path.of(a));
        assertThat(BrokerConfig.of(Map.of("log.dir", "rel/./x")).logDirs())
                .containsExactly(Path.of("").toAbsolutePath().resolve("rel/x"));
    }

    @Test
    void fileValuesAreOverriddenByOverrides(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, """
                # a Kafka-style file
                node.id=3
                num.partitions = 4
                listeners=PLAINTEXT://127.0.0.1:0
                log.dirs=%s
                """.formatted(dir.resolve("logs").toString().replace("\\", "\\\\")));

        BrokerConfig config = BrokerConfig.load(file, Map.of("num.partitions", "6"));

        assertThat(config.nodeId()).isEqualTo(3);
        assertThat(config.numPartitions()).isEqualTo(6);
        assertThat(config.listeners()).containsExactly(new Endpoint("PLAINTEXT", "127.0.0.1", 0));
        assertThat(config.logDirs()).containsExactly(dir.resolve("logs"));
    }

    @Test
    void loadWithoutFileUsesOverridesOnly() {
        BrokerConfig config = BrokerConfig.load(null, Map.of("auto.create.topics.enable", "FALSE"));

        assertThat(config.autoCreateTopicsEnable()).isFalse();
    }

    @Test
    void missingFileIsAConfigException(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> BrokerConfig.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.properties");
    }

    @Test
    void unknownKeysAreListedButNotFatal() {
        Map<String, String> props = new HashMap<>();
        props.put("zzz.custom", "1");
        props.put("num.partitions", "2");
        props.put("aaa.typo", "x");

        BrokerConfig config = BrokerConfig.of(props);

        assertThat(config.unknownKeys()).containsExactly("aaa.typo", "zzz.custom");
        assertThat(config.numPartitions()).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "num.partitions|abc|expected an integer >= 1",
        "num.partitions|0|expected an integer >= 1",
        "node.id|-1|expected an integer >= 0",
        "default.replication.factor|70000|expected an integer in [1, 32767]",
        "default.replication.factor|0|expected an integer in [1, 32767]",
        "log.retention.bytes|-2|expected an integer >= -1",
        "log.retention.ms|soon|expected an integer >= -1",
        "auto.create.topics.enable|yes|expected true or false",
        "log.message.timestamp.type|createtime|expected one of [CreateTime, LogAppendTime]",
        "log.cleanup.policy|delete,shred|expected a non-empty comma-separated list of distinct values from [delete, compact]",
        "process.roles|broker,broker|expected a non-empty comma-separated list of distinct values from [broker, controller]",
        "listeners|localhost:9092|expected a comma-separated list of NAME://host:port (port 0-65535)",
        "listeners|PLAINTEXT://localhost:99999|expected a comma-separated list of NAME://host:port (port 0-65535)",
        "listeners|PLAINTEXT://a:1,PLAINTEXT://b:2|expected a comma-separated list of NAME://host:port (port 0-65535)",
        "controller.quorum.voters|localhost:9093|expected a comma-separated list of id@host:port",
        "controller.quorum.bootstrap.servers|1@localhost:9093|expected a comma-separated list of host:port (controller endpoints, without the id@ of controller.quorum.voters)",
        "controller.quorum.bootstrap.servers|localhost|expected a comma-separated list of host:port (controller endpoints, without the id@ of controller.quorum.voters)",
        "controller.quorum.bootstrap.servers|localhost:0|expected a comma-separated list of host:port (controller endpoints, without the id@ of controller.quorum.voters)",
        "controller.quorum.bootstrap.servers|' , '|expected a comma-separated list of host:port (controller endpoints, without the id@ of controller.quorum.voters)",
        "log.dir|'  '|expected a non-empty string",
        "log.dirs|' , '|expected a non-empty comma-separated list of directories",
    })
    void invalidValueNamesKeyValueAndExpectedForm(String key, String value, String expected) {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value '" + value + "' for configuration '" + key + "': " + expected);
    }

    @Test
    void exampleMessageFromTheDocumentation() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("num.partitions", "abc")))
                .hasMessage("Invalid value 'abc' for configuration 'num.partitions': expected an integer >= 1");
    }

    @Test
    void listenersParseNamesHostsAndEphemeralPorts() {
        BrokerConfig config = BrokerConfig.of(Map.of("listeners", "plaintext://127.0.0.1:0, INTERNAL://[::1]:9094, ALL://:9095"));

        assertThat(config.listeners()).containsExactly(
                new Endpoint("PLAINTEXT", "127.0.0.1", 0),
                new Endpoint("INTERNAL", "::1", 9094),
                new Endpoint("ALL", "0.0.0.0", 9095));
    }

    @Test
    void wildcardListenerHostsAdvertiseAConnectableName() {
        BrokerConfig config = BrokerConfig.of(Map.of("listeners", "PLAINTEXT://0.0.0.0:9092,OTHER://:9093"));

        assertThat(config.advertisedListeners()).hasSize(2).allSatisfy(e -> {
            assertThat(e.host()).isNotEmpty().isNotEqualTo("0.0.0.0");
        });
        assertThat(config.advertisedListeners()).extracting(Endpoint::port).containsExactly(9092, 9093);
    }

    @Test
    void advertisedListenersOverrideListenersButMustNameKnownListeners() {
        BrokerConfig config = BrokerConfig.of(Map.of(
                "listeners", "PLAINTEXT://0.0.0.0:9092",
                "advertised.listeners", "PLAINTEXT://broker.example:19092"));
        assertThat(config.advertisedListeners()).containsExactly(new Endpoint("PLAINTEXT", "broker.example", 19092));

        assertThatThrownBy(() -> BrokerConfig.of(Map.of("advertised.listeners", "EXTERNAL://x:1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'advertised.listeners'")
                .hasMessageContaining("EXTERNAL://x:1");
    }

    @Test
    void topicDefaultsMapBrokerLogKeysToTopicKeys() {
        BrokerConfig config = BrokerConfig.of(Map.of(
                "log.segment.bytes", "1048576",
                "log.roll.ms", "60000",
                "log.retention.minutes", "10",
                "log.retention.bytes", "5000",
                "message.max.bytes", "2000",
                "log.index.interval.bytes", "100",
                "log.message.timestamp.type", "LogAppendTime",
                "log.flush.interval.messages", "10",
                "log.cleanup.policy", "compact,delete",
                "min.insync.replicas", "2"));

        assertThat(config.topicDefaults()).containsExactly(
                Map.entry("segment.bytes", "1048576"),
                Map.entry("segment.ms", "60000"),
                Map.entry("retention.ms", "600000"),
                Map.entry("retention.bytes", "5000"),
                Map.entry("max.message.bytes", "2000"),
                Map.entry("index.interval.bytes", "100"),
                Map.entry("message.timestamp.type", "LogAppendTime"),
                Map.entry("flush.messages", "10"),
                Map.entry("flush.ms", Long.toString(Long.MAX_VALUE)),
                Map.entry("cleanup.policy", "compact,delete"),
                Map.entry("min.insync.replicas", "2"),
                Map.entry("unclean.leader.election.enable", "false"),
                Map.entry("min.cleanable.dirty.ratio", "0.5"),
                Map.entry("delete.retention.ms", "86400000"),
                Map.entry("min.compaction.lag.ms", "0"),
                Map.entry("max.compaction.lag.ms", Long.toString(Long.MAX_VALUE)));
    }

    @Test
    void valuesListEveryKeyWithItsEffectiveValue() {
        Map<String, String> values = BrokerConfig.of(Map.of("log.retention.hours", "1", "num.io.threads", "2")).values();

        assertThat(values).containsEntry("num.io.threads", "2")
                .containsEntry("num.partitions", "1")
                .containsEntry("log.retention.ms", "3600000")
                .containsEntry("log.retention.hours", "1")
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("listeners", "PLAINTEXT://localhost:9092")
                .containsEntry("advertised.listeners", "PLAINTEXT://localhost:9092")
                .containsEntry("controller.quorum.voters", "1@localhost:9093")
                .containsEntry("broker.rack", null)
                .containsKeys("log.dirs", "log.dir", "socket.request.max.bytes", "broker.session.timeout.ms",
                        "replica.lag.time.max.ms", "log.flush.offset.checkpoint.interval.ms");
        assertThat(values.keySet()).containsAll(BrokerConfigKeys.KEYS.keySet());
    }

    @Test
    void listenerFormatRoundTrips() {
        List<Endpoint> endpoints = Listeners.parse("A://h:1,B://[::1]:2");

        assertThat(Listeners.format(endpoints)).isEqualTo("A://h:1,B://[::1]:2");
    }
}
