package io.sluice.protocol.admin;

import io.sluice.broker.PartitionManager;
import io.sluice.log.Log;
import io.sluice.log.ProducerInfo;
import io.sluice.metadata.MetadataImage;
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
        /** With a single replica the high watermark is the log end offset. */
        long highWatermark();

        /** Advances the log start offset; returns the resulting log start offset. */
        long deleteRecordsBefore(long offset);

        List<ProducerInfo> activeProducers();
    }

    static LeaderLogs of(PartitionManager partitions) {
        return (image, tp) -> new LogAdapter(partitions.leaderLog(image, tp));
    }

    /** Adapts an {@link io.sluice.log.Log} to {@link LeaderLog}. */
    record LogAdapter(Log log) implements LeaderLog {
        @Override
        public long highWatermark() {
            return log.logEndOffset();
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
