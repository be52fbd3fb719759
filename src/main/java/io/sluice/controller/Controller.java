package io.sluice.controller;

import java.util.concurrent.CompletableFuture;

/**
 * Validates admin changes against the current image and commits them to the metadata log.
 * Each method completes once the change is applied to the local image, or exceptionally with a
 * Kafka ApiException (TopicExistsException, InvalidTopicException, InvalidPartitionsException,
 * InvalidReplicationFactorException, InvalidConfigurationException, UnknownTopicOrPartitionException ...).
 * Futures fail with the bare ApiException (not wrapped in a CompletionException); NotControllerException
 * when this node is not the Raft leader. Implemented by {@link QuorumController}.
 */
public interface Controller {
    CompletableFuture<org.apache.kafka.common.Uuid> createTopic(String name, int numPartitions, short replicationFactor,
                                                                java.util.Map<String, String> configs, boolean validateOnly);
    CompletableFuture<Void> deleteTopic(String name);
    CompletableFuture<Void> createPartitions(String topic, int newTotalCount, boolean validateOnly);
    /** Replaces (incremental=false) or edits (null value = delete the key) a topic's config overrides. */
    CompletableFuture<Void> alterTopicConfigs(String topic, java.util.Map<String, String> changes, boolean incremental, boolean validateOnly);
    /** Reserves a block of producer ids for this broker; completes with the first id of the block. */
    CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize);
    CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack);
}
