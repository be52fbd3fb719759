package io.sluice.protocol.admin;

import io.sluice.broker.PartitionManager;
import io.sluice.log.Log;
import io.sluice.log.ProducerInfo;
import io.sluice.metadata.MetadataImage;
import io.sluice.replication.Replication;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The partition logs led by this node, reduced to what DeleteRecords and DescribeProducers use, so
 * those handlers do not depend on the concrete log classes.
 */
@FunctionalInterface
public interface LeaderLogs {

    /** The log of a partition led here, or throws the Kafka error a client should see. */
    LeaderLog leaderLog(MetadataImage image, TopicPartition tp);

    /** One partition log as the admin APIs see it. */
    interface LeaderLog {
        /** The offset below which every in-sync replica holds the records (the log end with one replica). */
        long highWatermark();

        /** Advances the log start offset; returns the resulting log start offset. */
        long deleteRecordsBefore(long offset);

        List<ProducerInfo> activeProducers();
    }

    static LeaderLogs of(PartitionManager partitions) {
        return (image, tp) -> new LogAdapter(tp, partitions.leaderLog(image, tp), partitions.replication());
    }

    /**
     * Adapts an {@link io.sluice.log.Log} to {@link LeaderLog}. The high watermark comes from replication,
     * not the log end: records a follower has not yet copied must not be deletable, or DeleteRecords could
     * move the log start past what a newly elected leader holds.
     */
    record LogAdapter(TopicPartition tp, Log log, Replication replication) implements LeaderLog {
        @Override
        public long highWatermark() {
            return replication.highWatermark(tp, log);
        }

        @Override
        public long deleteRecordsBefore(long offset) {
            return log.deleteRecordsBefore(offset);
        }

        @Override
        public List<ProducerInfo> activeProducers() {
            return log.activeProducers();
        }
    }
}
