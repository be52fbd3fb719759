package io.sluice.partition;

import io.sluice.controller.Controller;
import io.sluice.log.Log;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.log.PartitionMetadataFile;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas hosted on this broker, one {@link Partition} each, kept in step with the metadata image: it creates
 * the logs of replicas placed here, applies topic config changes, gives each replica the role the image names,
 * deletes the logs of replicas the metadata log removed, sets aside (as "-stray") logs no image placed here, runs the
 * periodic ISR check of the partitions led here and has the {@link ReplicaFetchers} copy the ones led elsewhere.
 *
 * <p>Threading: images arrive one at a time on the metadata apply thread; lookups come from the request threads and
 * read a concurrent map. Each {@link Partition} guards its own state.
 */
public final class ReplicaManager implements PartitionLookup, MetadataListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

    private final int nodeId;
    private final LogManager logs;
    private final Map<String, String> topicDefaults;
    private final AppendWatchers watchers = new AppendWatchers();
    private final PartitionServices services;
    private final ScheduledExecutorService timer;
    private final long lagMaxMs;
    private final ReplicaFetchers fetchers;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private volatile MetadataImage image;
    /** Brokers the latest image shows fenced: a leader does not ask for them to join an ISR. */
    private volatile Set<Integer> fencedBrokers = Set.of();
    private ScheduledFuture<?> isrCheck;

    public ReplicaManager(int nodeId, LogManager logs, Map<String, String> topicDefaults, Controller controller,
                          ScheduledExecutorService timer, long lagMaxMs, Time time, FetchTransport.Factory transports) {
        this.nodeId = nodeId;
        this.logs = logs;
        this.topicDefaults = topicDefaults;
        this.timer = timer;
        this.lagMaxMs = lagMaxMs;
        this.services = new PartitionServices(nodeId, watchers, timer, time, lagMaxMs, controller::alterPartition,
                id -> !fencedBrokers.contains(id));
        this.fetchers = new ReplicaFetchers(nodeId, transports);
    }

    /** Starts the periodic ISR check (every replica.lag.time.max.ms / 2). */
    public ReplicaManager start() {
        long period = Math.max(1, lagMaxMs / 2);
        isrCheck = timer.scheduleAtFixedRate(this::checkIsrSafely, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    public AppendWatchers watchers() {
        return watchers;
    }

    /**
     * The replica of a partition hosted here, whatever its role, or the Kafka error a client should see:
     * UNKNOWN_TOPIC_OR_PARTITION when the metadata does not know the partition, NOT_LEADER_OR_FOLLOWER when this
     * node holds no replica of it (yet).
     */
    @Override
    public Partition partition(TopicPartition tp) {
        Partition partition = partitions.get(tp);
        if (partition != null) {
            return partition;
        }
        MetadataImage current = image;
        TopicImage topic = current == null ? null : current.topicsByName().get(tp.topic());
        if (topic == null || !topic.partitions().containsKey(tp.partition())) {
            throw new UnknownTopicOrPartitionException("This server does not host " + tp);
        }
        throw new NotLeaderOrFollowerException("Node " + nodeId + " holds no replica of " + tp);
    }

    /** Brings the hosted replicas in line with an image, whatever the previous image was (idempotent). */
    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        Set<Integer> fenced = new HashSet<>();
        current.brokers().values().forEach(broker -> {
            if (broker.fenced()) {
                fenced.add(broker.id());
            }
        });
        fencedBrokers = Set.copyOf(fenced);
        Set<TopicPartition> wanted = new HashSet<>();
        Map<Integer, Map<TopicPartition, Partition>> following = new HashMap<>();
        for (TopicImage topic : current.topicsByName().values()) {
            TopicImage sameName = previous == null ? null : previous.topicsByName().get(topic.name());
            if (sameName != null && !sameName.id().equals(topic.id())) {
                LOG.info("Deleting the logs of topic {} id {}: the topic was deleted and its name reused", topic.name(),
                        sameName.id());
                sameName.partitions().keySet().forEach(p -> remove(new TopicPartition(topic.name(), p)));
            }
            TopicImage before = previous == null ? null : previous.topicsById().get(topic.id());
            boolean configChanged = before == null || !before.configs().equals(topic.configs());
            LogConfig config = null;
            for (PartitionImage partitionImage : topic.partitions().values()) {
                if (!partitionImage.replicas().contains(nodeId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), partitionImage.partition());
                wanted.add(tp);
                if (config == null) {
                    config = LogConfig.of(topic.configs(), topicDefaults);
                }
                Partition partition = hosted(tp, topic, config, configChanged);
                partition.apply(partitionImage);
                if (partition.role() == Partition.Role.FOLLOWER) {
                    following.computeIfAbsent(partitionImage.leader(), l -> new HashMap<>()).put(tp, partition);
                }
            }
        }
        image = current;
        for (TopicPartition tp : Set.copyOf(logs.partitions())) {
            if (wanted.contains(tp)) {
                continue;
            }
            if (hostedIn(previous, tp)) {
                LOG.info("Deleting the log of {}: the metadata log recorded its removal from this node", tp);
                remove(tp);
            } else {
                Partition gone = partitions.remove(tp);
                if (gone != null) {
                    gone.stop();
                }
                Path stray = logs.markStray(tp);
                LOG.warn("The log of {} is not in the metadata: set aside as {}, deleted after {} unless moved back",
                        tp, stray, Duration.ofMillis(logs.strayDeleteDelayMs()));
            }
        }
        fetchers.update(following, current.brokers());
    }

    /**
     * The replica of tp, created with its log (or around the log found on disk) when new here. A log on disk whose
     * recorded topic id is not the image's belongs to an earlier topic of the same name, deleted and created again
     * while this broker was away: it is set aside as a stray, and the new topic's replica starts empty.
     */
    private Partition hosted(TopicPartition tp, TopicImage topic, LogConfig config, boolean configChanged) {
        Partition existing = partitions.get(tp);
        if (existing != null) {
            if (configChanged) {
                existing.updateConfig(config);
            }
            return existing;
        }
        Log log = logs.get(tp);
        Uuid recorded = log == null ? null : PartitionMetadataFile.read(log.dir());
        if (recorded != null && !recorded.equals(topic.id())) {
            Path stray = logs.markStray(tp);
            LOG.warn("The log of {} belongs to topic id {}, not the current {}: the topic was deleted and created"
                    + " again; set aside as {}, deleted after {}", tp, recorded, topic.id(), stray,
                    Duration.ofMillis(logs.strayDeleteDelayMs()));
            log = null;
        }
        if (log == null) {
            log = logs.getOrCreate(tp, config);
        } else {
            log.updateConfig(config);
        }
        if (!topic.id().equals(recorded)) {
            PartitionMetadataFile.write(log.dir(), topic.id());
        }
        Partition created = new Partition(tp, topic.id(), log, services);
        partitions.put(tp, created);
        return created;
    }

    private void remove(TopicPartition tp) {
        Partition gone = partitions.remove(tp);
        if (gone != null) {
            gone.stop();
        }
        if (logs.get(tp) != null) {
            logs.delete(tp);
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

    private void checkIsrSafely() {
        try {
            checkIsr();
        } catch (RuntimeException e) {
            LOG.warn("ISR check failed", e);
        }
    }

    /** Shrinks or expands the ISR of every partition led here where it no longer matches the followers. */
    void checkIsr() {
        for (Partition partition : partitions.values()) {
            if (partition.role() == Partition.Role.LEADER) {
                partition.maybeChangeIsr();
            }
        }
    }

    @Override
    public void close() {
        if (isrCheck != null) {
            isrCheck.cancel(false);
        }
        fetchers.close();
        partitions.values().forEach(Partition::stop);
    }
}
