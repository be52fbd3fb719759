package io.sluice.protocol.admin;

import io.sluice.config.BrokerConfig;
import io.sluice.group.ConsumerGroupConfig;
import io.sluice.log.LogConfig;
import io.sluice.quorum.MetadataService;
import io.sluice.partition.PartitionLookup;
import io.sluice.protocol.ApiRegistry;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/** Registers the admin APIs (topics, partitions, records, configs, cluster, producers, leaders, reassignments, quorum). */
public final class AdminApis {
    private AdminApis() {
    }

    public static void register(ApiRegistry registry, MetadataService metadata, PartitionLookup partitions,
                                BrokerConfig config, int nodeId) {
        Map<String, String> brokerTopicDefaults = config.topicDefaults();
        TopicConfigView topicConfigs = new TopicConfigView(
                overrides -> LogConfig.of(overrides, brokerTopicDefaults).values(),
                brokerTopicDefaults, LogConfig.of(Map.of(), Map.of()).values());
        register(registry, metadata, partitions, topicConfigs, config.values(), config.numPartitions(),
                config.defaultReplicationFactor(), nodeId, ConsumerGroupConfig.of(config));
    }

    static void register(ApiRegistry registry, MetadataService metadata, PartitionLookup partitions, TopicConfigView topicConfigs,
                         Map<String, String> brokerConfigs, int defaultPartitions, short defaultReplicationFactor,
                         int nodeId) {
        register(registry, metadata, partitions, topicConfigs, brokerConfigs, defaultPartitions,
                defaultReplicationFactor, nodeId, ConsumerGroupConfig.defaults());
    }

    static void register(ApiRegistry registry, MetadataService metadata, PartitionLookup partitions, TopicConfigView topicConfigs,
                         Map<String, String> brokerConfigs, int defaultPartitions, short defaultReplicationFactor,
                         int nodeId, ConsumerGroupConfig groupConfigs) {
        registry.register(ApiKeys.CREATE_TOPICS, 2, 7,
                        new CreateTopicsHandler(metadata, topicConfigs, defaultPartitions, defaultReplicationFactor))
                .register(ApiKeys.DELETE_TOPICS, 1, 6, new DeleteTopicsHandler(metadata))
                .register(ApiKeys.CREATE_PARTITIONS, 0, 3, new CreatePartitionsHandler(metadata))
                .register(ApiKeys.DELETE_RECORDS, 0, 2, new DeleteRecordsHandler(partitions))
                .register(ApiKeys.DESCRIBE_CONFIGS, 1, 4,
                        new DescribeConfigsHandler(metadata, topicConfigs, brokerConfigs, nodeId, groupConfigs))
                .register(ApiKeys.ALTER_CONFIGS, 0, 2, new AlterConfigsHandler(metadata))
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1,
                        new IncrementalAlterConfigsHandler(metadata, topicConfigs, groupConfigs))
                .register(ApiKeys.DESCRIBE_CLUSTER, 0, 2, new DescribeClusterHandler(metadata, nodeId))
                .register(ApiKeys.DESCRIBE_PRODUCERS, 0, 0, new DescribeProducersHandler(partitions))
                .register(ApiKeys.ELECT_LEADERS, 0, 2, new ElectLeadersHandler(metadata))
                .register(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, 1, new AlterPartitionReassignmentsHandler(metadata))
                .register(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, 0, new ListPartitionReassignmentsHandler(metadata))
                .register(ApiKeys.DESCRIBE_QUORUM, 0, 2, new DescribeQuorumHandler(metadata));
    }
}
