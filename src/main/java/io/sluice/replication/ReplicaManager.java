package io.sluice.replication;

import io.sluice.util.Futures;
import io.sluice.broker.AppendWatchers;
import io.sluice.controller.AlterPartitionRequest;
import io.sluice.controller.Controller;
import io.sluice.log.Log;
import io.sluice.log.LogManager;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.IneligibleReplicaException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication on one broker. As leader of a partition with more than one replica it tracks the followers
 * (high watermark, acks=all waits, ISR shrink and expand through the controller); as follower it has the
 * {@link ReplicaFetchers} copy the leader's log. Partitions whose only replica is this node have no state
 * here and keep the single-node behaviour of {@link Replication#NONE}.
 */
public final class ReplicaManager implements Replication, MetadataListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);

    private final int nodeId;
    private final LogManager logs;
    private final Controller controller;
    private final AppendWatchers watchers;
    private final ScheduledExecutorService timer;
    private final long lagMaxMs;
    private final Time time;
    private final ReplicaFetchers fetchers;
    private final Map<TopicPartition, LeaderPartition> led = new ConcurrentHashMap<>();
    /** The leader's high watermark as last seen by this node while following: where it starts if elected. */
    private final Map<TopicPartition, Long> followedHighWatermarks = new ConcurrentHashMap<>();
    private ScheduledFuture<?> isrCheck;
    /** Brokers the latest image shows fenced: a leader does not ask for them to join an ISR. */
    private volatile Set<Integer> fencedBrokers = Set.of();

    public ReplicaManager(int nodeId, LogManager logs, Controller controller, AppendWatchers watchers,
                          ScheduledExecutorService timer, long lagMaxMs, Time time) {
        this.nodeId = nodeId;
        this.logs = logs;
        this.controller = controller;
        this.watchers = watchers;
        this.timer = timer;
        this.lagMaxMs = lagMaxMs;
        this.time = time;
        this.fetchers = new ReplicaFetchers(nodeId, logs, this::onLeaderHighWatermark);
    }

    /** Starts the periodic ISR check (every replica.lag.time.max.ms / 2). */
    public ReplicaManager start() {
        long period = Math.max(1, lagMaxMs / 2);
        isrCheck = timer.scheduleAtFixedRate(this::checkIsrSafely, period, period, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public long highWatermark(TopicPartition tp, Log partitionLog) {
        LeaderPartition partition = led.get(tp);
        return partition == null ? partitionLog.logEndOffset() : partition.highWatermark(partitionLog.logEndOffset());
    }

    @Override
    public void onFollowerFetch(TopicPartition tp, int replicaId, long fetchOffset, Log partitionLog) {
        LeaderPartition partition = led.get(tp);
        if (partition == null) {
            return;
        }
        long logEnd = partitionLog.logEndOffset();
        if (partition.onFollowerFetch(replicaId, fetchOffset, logEnd, time.milliseconds())) {
            progressed(tp, partition, logEnd);
        }
        if (!partition.isr().contains(replicaId)) {
            maybeAlterIsr(tp, partition, logEnd);
        }
    }

    @Override
    public CompletableFuture<Errors> awaitHighWatermark(TopicPartition tp, long requiredOffset, long timeoutMs) {
        LeaderPartition partition = led.get(tp);
        Log partitionLog = logs.get(tp);
        if (partition == null || partitionLog == null) {
            return null;
        }
        CompletableFuture<Errors> wait = partition.await(requiredOffset, partitionLog.logEndOffset(),
                partitionLog.config().minInSyncReplicas());
        if (wait != null) {
            ScheduledFuture<?> expiry = timer.schedule(() -> {
                partition.removeWaiter(wait);
                wait.complete(Errors.REQUEST_TIMED_OUT);
            }, timeoutMs, TimeUnit.MILLISECONDS);
            wait.whenComplete((result, error) -> expiry.cancel(false));
        }
        return wait;
    }

    private void progressed(TopicPartition tp, LeaderPartition partition, long logEnd) {
        partition.satisfiedWaiters(logEnd).forEach(LeaderPartition.Answer::send);
        // Consumers read only below the high watermark: a waiting consumer fetch may have data now.
        watchers.appended(tp);
    }

    private void onLeaderHighWatermark(TopicPartition tp, long highWatermark) {
        followedHighWatermarks.put(tp, highWatermark);
    }

    @Override
    public void onImage(MetadataImage previous, MetadataImage current) {
        Map<Integer, Map<TopicPartition, Integer>> following = new HashMap<>();
        Map<TopicPartition, Boolean> stillLed = new HashMap<>();
        long now = time.milliseconds();
        Set<Integer> fenced = new HashSet<>();
        current.brokers().values().forEach(broker -> {
            if (broker.fenced()) {
                fenced.add(broker.id());
            }
        });
        fencedBrokers = Set.copyOf(fenced);
        for (TopicImage topic : current.topicsByName().values()) {
            for (PartitionImage image : topic.partitions().values()) {
                if (!image.replicas().contains(nodeId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), image.partition());
                if (image.leader() == nodeId) {
                    startLeaderEpoch(tp, image.leaderEpoch());
                }
                if (image.leader() == nodeId && image.replicas().size() > 1) {
                    stillLed.put(tp, true);
                    becomeOrStayLeader(tp, topic, image, now);
                } else if (image.leader() >= 0 && image.leader() != nodeId) {
                    following.computeIfAbsent(image.leader(), l -> new HashMap<>()).put(tp, image.leaderEpoch());
                }
            }
        }
        for (TopicPartition tp : List.copyOf(led.keySet())) {
            if (!stillLed.containsKey(tp)) {
                LeaderPartition gone = led.remove(tp);
                if (gone != null) {
                    gone.drainWaiters().forEach(f -> f.complete(Errors.NOT_LEADER_OR_FOLLOWER));
                }
            }
        }
        followedHighWatermarks.keySet().removeIf(tp -> following.values().stream().noneMatch(m -> m.containsKey(tp)));
        fetchers.update(following, current.brokers());
    }

    /**
     * Marks where this leadership's epoch starts in the local log before anything is written in it, so that a
     * follower still holding records of an older epoch past this point is told to cut them.
     */
    private void startLeaderEpoch(TopicPartition tp, int leaderEpoch) {
        Log partitionLog = logs.get(tp);
        if (partitionLog != null && partitionLog.latestEpoch() < leaderEpoch) {
            partitionLog.assignLeaderEpoch(leaderEpoch);
        }
    }

    private void becomeOrStayLeader(TopicPartition tp, TopicImage topic, PartitionImage image, long now) {
        LeaderPartition existing = led.get(tp);
        Log partitionLog = logs.get(tp);
        long logEnd = partitionLog == null ? 0 : partitionLog.logEndOffset();
        if (existing != null && existing.leaderEpoch() == image.leaderEpoch()) {
            existing.update(image);
            progressed(tp, existing, logEnd);
            return;
        }
        long initial = Math.min(logEnd, followedHighWatermarks.getOrDefault(tp, 0L));
        LeaderPartition partition = new LeaderPartition(nodeId, topic.id(), image, initial, now);
        led.put(tp, partition);
        if (existing != null) {
            existing.drainWaiters().forEach(f -> f.complete(Errors.NOT_LEADER_OR_FOLLOWER));
        }
        log.info("Leading {} in epoch {} with ISR {}, high watermark {}", tp, image.leaderEpoch(), image.isr(), initial);
    }

    private void checkIsrSafely() {
        try {
            checkIsr();
        } catch (RuntimeException e) {
            log.warn("ISR check failed", e);
        }
    }

    /** Shrinks or expands the ISR of every partition led here where it no longer matches the followers. */
    void checkIsr() {
        for (Map.Entry<TopicPartition, LeaderPartition> entry : led.entrySet()) {
            Log partitionLog = logs.get(entry.getKey());
            if (partitionLog != null) {
                maybeAlterIsr(entry.getKey(), entry.getValue(), partitionLog.logEndOffset());
            }
        }
    }

    private void maybeAlterIsr(TopicPartition tp, LeaderPartition partition, long logEnd) {
        Set<Integer> fenced = fencedBrokers;
        List<Integer> wanted = partition.wantedIsr(time.milliseconds(), lagMaxMs, logEnd, id -> !fenced.contains(id));
        if (wanted == null) {
            return;
        }
        log.info("Changing the ISR of {} from {} to {}", tp, partition.isr(), wanted);
        controller.alterPartition(new AlterPartitionRequest(nodeId, partition.topicId(), tp.partition(),
                        partition.leaderEpoch(), partition.partitionEpoch(), wanted))
                .whenComplete((image, error) -> {
                    Throwable cause = Futures.unwrap(error);
                    if (cause instanceof IneligibleReplicaException) {
                        // A follower was fenced after this leader last saw it; retry at the next periodic check,
                        // by when this node's image shows the fencing and leaves that follower out.
                        log.info("ISR change of {} to {} was refused, keeping ISR {}: {}", tp, wanted, partition.isr(),
                                cause.getMessage());
                        partition.alterRefused(time.milliseconds() + Math.max(1, lagMaxMs / 2));
                    } else if (error != null) {
                        log.info("ISR change of {} to {} was rejected: {}", tp, wanted, error.toString());
                        partition.alterFailed();
                    } else {
                        partition.update(image);
                        progressed(tp, partition, logEnd);
                    }
                });
    }

    @Override
    public void close() {
        if (isrCheck != null) {
            isrCheck.cancel(false);
        }
        fetchers.close();
        led.values().forEach(p -> p.drainWaiters().forEach(f -> f.complete(Errors.NOT_LEADER_OR_FOLLOWER)));
    }
}
