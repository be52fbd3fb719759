package io.sluice.protocol.data;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a partition is led now, as this broker's image knows it (KIP-951). Produce and Fetch errors that mean "not
 * here" carry it, so a client that reads it retries at the new leader without a metadata round trip first.
 *
 * @param leaderId    the leader's node id
 * @param leaderEpoch its leader epoch
 * @param leader      the leader's registration, for the response's node endpoints
 */
record CurrentLeader(int leaderId, int leaderEpoch, BrokerImage leader) {

    /** The partition's live leader, or null when it has none or the broker is unknown or fenced. */
    static CurrentLeader of(MetadataImage image, TopicPartition tp) {
        TopicImage topic = image.topicsByName().get(tp.topic());
        PartitionImage partition = topic == null ? null : topic.partitions().get(tp.partition());
        if (partition == null || partition.leader() < 0) {
            return null;
        }
        BrokerImage leader = image.brokers().get(partition.leader());
        if (leader == null || leader.fenced()) {
            return null;
        }
        return new CurrentLeader(partition.leader(), partition.leaderEpoch(), leader);
    }
}
