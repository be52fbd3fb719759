package io.sluice.coordinator;

import io.sluice.log.AppendOrigin;
import io.sluice.log.Log;
import io.sluice.partition.Partition;
import io.sluice.partition.PartitionLookup;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.MemoryRecords;

/**
 * The coordinator partitions (of __consumer_offsets) as a coordinator uses them: the leader's log to load its state
 * from, and acks=all appends whose answer waits for the in-sync replicas. Tests give a fake one to decide when and how
 * replication answers.
 */
public interface PartitionWriter {
    /** The local log of a partition led here; throws NOT_LEADER_OR_FOLLOWER or UNKNOWN_TOPIC_OR_PARTITION otherwise. */
    Log leaderLog(TopicPartition tp);

    /** Appends as leader with acks=all, waiting up to timeoutMs for the in-sync replicas. */
    Partition.LeaderAppend appendAsLeader(TopicPartition tp, MemoryRecords records, long timeoutMs);

    /** Writes a transaction marker as leader with acks=all ({@link Partition#appendTxnMarker}). */
    Partition.LeaderAppend appendTxnMarker(TopicPartition tp, TxnMarker marker, long timeoutMs);

    /** The real partitions of this broker. */
    static PartitionWriter of(PartitionLookup partitions) {
        return new PartitionWriter() {
            @Override
            public Log leaderLog(TopicPartition tp) {
                return partitions.partition(tp).leaderLog();
            }

            @Override
            public Partition.LeaderAppend appendAsLeader(TopicPartition tp, MemoryRecords records, long timeoutMs) {
                return partitions.partition(tp).appendAsLeader(records, (short) -1, timeoutMs, AppendOrigin.COORDINATOR);
            }

            @Override
            public Partition.LeaderAppend appendTxnMarker(TopicPartition tp, TxnMarker marker, long timeoutMs) {
                return partitions.partition(tp).appendTxnMarker(marker.producerId(), marker.producerEpoch(),
                        marker.coordinatorEpoch(), marker.commit(), timeoutMs);
            }
        };
    }
}
