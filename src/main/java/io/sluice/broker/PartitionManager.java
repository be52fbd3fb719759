package io.sluice.broker;

import io.sluice.log.Log;
import io.sluice.log.LogAppendInfo;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.replication.Replication;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.record.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's partition logs in step with the metadata image: creates the logs of partitions
 * assigned here, applies topic config changes, deletes the logs of deleted topics and sets aside (as
 * "-stray") logs the metadata never placed here. Appends go through here so that long-poll fetches
 * hear about them.
 */
public final class PartitionManager implements MetadataListener {
    private static final Logger log = LoggerFactory.getLogger(PartitionManager.class);

    private final int nodeId;
    private final LogManager logs;
    private final Map<String, String> topicDefaults;
    private final AppendWatchers watchers = new AppendWatchers();
    private volatile Replication replication = Replication.NONE;

    public PartitionManager(int nodeId, LogManager logs, Map<String, String> topicDefaults) {
        this.nodeId = nodeId;
        this.logs = logs;
        this.topicDefaults = topicDefaults;
    }

    public AppendWatchers watchers() {
        return watchers;
    }

    /** Replication of multi-replica partitions; {@link Replication#NONE} (single-node behaviour) until set. */
    public Replication replication() {
        return replication;
    }

    public void setReplication(Replication replication) {
        this.replication = replication;
    }

    /** The log of a partition led here, or the Kafka error a client should see. */
    public Log leaderLog(MetadataImage image, TopicPartition tp) {
        TopicImage topic = image.topicsByName().get(tp.topic());
        PartitionImage partition = topic == null ? null : topic.partitions().get(tp.partition());
        if (partition == null) {
            throw new UnknownTopicOrPartitionException("This server does not host " + tp);
        }
        if (partition.leader() != nodeId) {
            throw new NotLeaderOrFollowerException("Node " + nodeId + " is not the leader of " + tp);
        }
        Log partitionLog = logs.get(tp);
        if (partitionLog == null) {
            throw new NotLeaderOrFollowerException("The log of " + tp + " is not loaded yet");
        }
        return partitionLog;
    }

    public LogAppendInfo append(Log partitionLog, TopicPartition tp, MemoryRecords records, int leaderEpoch) {
        LogAppendInfo info = partitionLog.append(records, leaderEpoch);
        if (!info.duplicate()) {
            watchers.appended(tp);
        }
        return info;
    }

    private void deleteLogsOf(TopicImage topic) {
        for (int partition : topic.partitions().keySet()) {
            TopicPartition tp = new TopicPartition(topic.name(), partition);
            if (logs.get(tp) != null) {
                log.info("Deleting the log of {}: topic id {} was deleted and the name reused", tp, topic.id());
                logs.delete(tp);
            }
        }
    }

    /** Brings the local logs in line with an image, whatever the previous image was (idempotent). */
    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        Set<TopicPartition> wanted = new HashSet<>();
        for (TopicImage topic : current.topicsByName().values()) {
            TopicImage before = previous == null ? null : previous.topicsById().get(topic.id());
            TopicImage sameName = previous == null ? null : previous.topicsByName().get(topic.name());
            if (sameName != null && !sameName.id().equals(topic.id())) {
                deleteLogsOf(sameName);
            }
            boolean configChanged = before != null && !before.configs().equals(topic.configs());
            LogConfig config = null;
            for (PartitionImage partition : topic.partitions().values()) {
                if (!partition.replicas().contains(nodeId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), partition.partition());
                wanted.add(tp);
                if (config == null) {
                    config = LogConfig.of(topic.configs(), topicDefaults);
                }
                Log existing = logs.get(tp);
                if (existing == null) {
                    logs.getOrCreate(tp, config);
                } else if (configChanged || previous == null) {
                    existing.updateConfig(config);
                }
            }
        }
        for (TopicPartition tp : Set.copyOf(logs.partitions())) {
            if (wanted.contains(tp)) {
                continue;
            }
            if (hostedIn(previous, tp)) {
                log.info("Deleting the log of {}: the metadata log recorded its removal from this node", tp);
                logs.delete(tp);
            } else {
                Path stray = logs.markStray(tp);
                log.warn("The log of {} is not in the metadata: set aside as {}, deleted after {} unless moved back",
                        tp, stray, Duration.ofMillis(logs.strayDeleteDelayMs()));
            }
        }
    }

    /**
     * Whether the image placed a replica of the partition here: then its absence from the next image is a
     * recorded deletion or reassignment. A log no image we saw placed here (found at start-up, or left from a
     * metadata history this node missed) may still hold the only copy of records, so it is set aside, not deleted.
     */
    private boolean hostedIn(MetadataImage image, TopicPartition tp) {
        if (image == null) {
            return false;
        }
        TopicImage topic = image.topicsByName().get(tp.topic());
        PartitionImage partition = topic == null ? null : topic.partitions().get(tp.partition());
        return partition != null && partition.replicas().contains(nodeId);
    }
}
