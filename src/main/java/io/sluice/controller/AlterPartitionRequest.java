package io.sluice.controller;

import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.Uuid;

/**
 * A partition leader's request to change the ISR (Kafka's AlterPartition): it names the leader and partition
 * epochs it computed the new ISR from, so a request from a deposed leader or from a stale view is rejected.
 *
 * @param brokerId       the requesting leader
 * @param leaderEpoch    the leader epoch the requester leads in
 * @param partitionEpoch the partition epoch of the state the requester last saw
 * @param newIsr         the complete new ISR; must contain the leader and only replicas of live brokers
 */
public record AlterPartitionRequest(int brokerId, Uuid topicId, int partition, int leaderEpoch, int partitionEpoch,
                                    List<Integer> newIsr) {
    public AlterPartitionRequest {
        Objects.requireNonNull(topicId, "topicId");
        newIsr = List.copyOf(newIsr);
    }
}
