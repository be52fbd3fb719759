package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecord;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.MetadataRecord.PartitionRecord;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.IneligibleReplicaException;
import org.apache.kafka.common.errors.InvalidUpdateVersionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The partition side of the controller: ISR changes asked for by leaders (AlterPartition), leader elections
 * (preferred and unclean) and replica reassignments, each proposed in the active controller's term.
 *
 * <p>Threading: every operation runs on the {@link ControllerQueue}, one after another.
 */
final class PartitionControl {
    private final Supplier<MetadataImage> image;
    private final RecordProposer proposer;
    private final ControllerQueue queue;
    private final LongSupplier activeTerm;

    PartitionControl(Supplier<MetadataImage> image, RecordProposer proposer, ControllerQueue queue,
                     LongSupplier activeTerm) {
        this.image = image;
        this.proposer = proposer;
        this.queue = queue;
        this.activeTerm = activeTerm;
    }


    CompletableFuture<PartitionImage> alterPartition(AlterPartitionRequest request) {
        return queue.serially(() -> {
            MetadataImage current = image.get();
            TopicImage topic = current.topic(request.topicId());
            if (topic == null) {
                throw new UnknownTopicIdException("Topic id " + request.topicId() + " does not exist.");
            }
            PartitionImage partition = topic.partitions().get(request.partition());
            if (partition == null) {
                throw new UnknownTopicOrPartitionException("Partition " + topic.name() + "-" + request.partition()
                        + " does not exist.");
            }
            String name = topic.name() + "-" + request.partition();
            if (request.leaderEpoch() != partition.leaderEpoch()) {
                throw new FencedLeaderEpochException("Leader epoch " + request.leaderEpoch() + " of " + name
                        + " is not the current leader epoch " + partition.leaderEpoch() + ".");
            }
            if (request.brokerId() != partition.leader()) {
                throw new NotLeaderOrFollowerException("Broker " + request.brokerId() + " does not lead " + name
                        + "; the leader is " + partition.leader() + ".");
            }
            if (request.partitionEpoch() != partition.partitionEpoch()) {
                throw new InvalidUpdateVersionException("Partition epoch " + request.partitionEpoch() + " of " + name
                        + " is not the current partition epoch " + partition.partitionEpoch() + ".");
            }
            List<Integer> newIsr = request.newIsr();
            if (!newIsr.contains(partition.leader()) || !partition.replicas().containsAll(newIsr)
                    || new java.util.HashSet<>(newIsr).size() != newIsr.size()) {
                throw new InvalidRequestException("ISR " + newIsr + " of " + name + " must contain the leader "
                        + partition.leader() + " and only replicas " + partition.replicas() + ", each once.");
            }
            for (int member : newIsr) {
                BrokerImage broker = current.brokers().get(member);
                if (broker == null || broker.fenced()) {
                    throw new IneligibleReplicaException("Replica " + member + " of " + name
                            + " is fenced or not registered and cannot join the ISR.");
                }
            }
            // An ISR that now holds every target replica of a reassignment completes it in the same change.
            PartitionImage withIsr = new PartitionImage(partition.partition(), partition.replicas(), newIsr,
                    partition.leader(), partition.leaderEpoch(), partition.partitionEpoch(),
                    partition.addingReplicas(), partition.removingReplicas());
            Set<Integer> live = PartitionLeadership.liveBrokers(current);
            PartitionRecord change = PartitionLeadership.change(topic, partition,
                    PartitionReassignment.completedIfCaughtUp(withIsr, live::contains));
            if (change == null) {
                return CompletableFuture.completedFuture(partition);
            }
            PartitionImage next = PartitionLeadership.image(change);
            return proposer.propose(List.of(change), activeTerm.getAsLong()).thenApply(ignored -> next);
        });
    }

    CompletableFuture<Map<TopicPartition, ApiError>> electLeaders(ElectionType type,
                                                                         Set<TopicPartition> partitions) {
        Objects.requireNonNull(type, "type");
        return queue.retryingOnStaleImage(() -> {
            MetadataImage current = image.get();
            Set<Integer> live = PartitionLeadership.liveBrokers(current);
            Map<TopicPartition, ApiError> results = new java.util.LinkedHashMap<>();
            List<MetadataRecord> batch = new ArrayList<>();
            List<TopicPartition> changed = new ArrayList<>();
            for (Map.Entry<TopicPartition, PartitionImage> target : targets(current, partitions, results).entrySet()) {
                TopicPartition tp = target.getKey();
                PartitionImage partition = target.getValue();
                TopicImage topic = current.topic(tp.topic());
                PartitionLeadership.Election election;
                if (type == ElectionType.PREFERRED) {
                    int preferred = partition.replicas().get(0);
                    if (partition.leader() == preferred) {
                        if (partitions != null) {
                            results.put(tp, new ApiError(Errors.ELECTION_NOT_NEEDED, null));
                        }
                        continue;
                    }
                    if (!partition.isr().contains(preferred) || !live.contains(preferred)) {
                        results.put(tp, new ApiError(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "Replica " + preferred
                                + " of " + tp + " is not live or not in the ISR " + partition.isr() + "."));
                        continue;
                    }
                    election = new PartitionLeadership.Election(preferred, partition.isr());
                } else {
                    if (partition.leader() >= 0 && live.contains(partition.leader())) {
                        if (partitions != null) {
                            results.put(tp, new ApiError(Errors.ELECTION_NOT_NEEDED, null));
                        }
                        continue;
                    }
                    election = PartitionLeadership.elect(partition.replicas(), partition.isr(), live::contains, true);
                    if (election.leader() < 0) {
                        results.put(tp, new ApiError(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
                                "No live replica of " + tp + " can lead."));
                        continue;
                    }
                }
                PartitionRecord change = PartitionLeadership.change(topic, partition, election.leader(),
                        election.isr());
                if (change != null) {
                    batch.add(change);
                    changed.add(tp);
                }
            }
            if (batch.isEmpty()) {
                return CompletableFuture.completedFuture(results);
            }
            return proposer.propose(batch, activeTerm.getAsLong()).thenApply(ignored -> {
                changed.forEach(tp -> results.put(tp, ApiError.NONE));
                return results;
            });
        });
    }

    CompletableFuture<Map<TopicPartition, ApiError>> alterPartitionReassignments(
            Map<TopicPartition, Optional<List<Integer>>> targets, boolean allowReplicationFactorChange) {
        Objects.requireNonNull(targets, "targets");
        return queue.retryingOnStaleImage(() -> {
            MetadataImage current = image.get();
            Set<Integer> live = PartitionLeadership.liveBrokers(current);
            Map<TopicPartition, ApiError> results = new java.util.LinkedHashMap<>();
            List<MetadataRecord> batch = new ArrayList<>();
            for (Map.Entry<TopicPartition, Optional<List<Integer>>> entry : targets.entrySet()) {
                TopicPartition tp = entry.getKey();
                TopicImage topic = current.topic(tp.topic());
                PartitionImage partition = topic == null ? null : topic.partitions().get(tp.partition());
                if (partition == null) {
                    results.put(tp, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                            "Unable to find partition " + tp + "."));
                    continue;
                }
                try {
                    PartitionImage next = reassigned(current, tp, partition, entry.getValue(), live,
                            allowReplicationFactorChange);
                    PartitionRecord change = PartitionLeadership.change(topic, partition, next);
                    if (change != null) {
                        batch.add(change);
                    }
                    results.put(tp, ApiError.NONE);
                } catch (org.apache.kafka.common.errors.ApiException e) {
                    results.put(tp, ApiError.fromThrowable(e));
                }
            }
            if (batch.isEmpty()) {
                return CompletableFuture.completedFuture(results);
            }
            return proposer.propose(batch, activeTerm.getAsLong()).thenApply(ignored -> results);
        });
    }

    private static PartitionImage reassigned(MetadataImage current, TopicPartition tp, PartitionImage partition,
                                             Optional<List<Integer>> target, Set<Integer> live,
                                             boolean allowReplicationFactorChange) {
        if (target.isEmpty()) {
            if (!partition.reassigning()) {
                throw new NoReassignmentInProgressException("No ongoing reassignment for partition " + tp + ".");
            }
            return PartitionReassignment.reverted(partition, live::contains);
        }
        List<Integer> replicas = target.get();
        checkTargetReplicas(current, replicas);
        PartitionImage base = PartitionReassignment.reverted(partition, live::contains);
        if (!allowReplicationFactorChange && replicas.size() != base.replicas().size()) {
            throw new InvalidReplicationFactorException("The replication factor of " + tp + " would change from "
                    + base.replicas().size() + " to " + replicas.size()
                    + ", but allowReplicationFactorChange is false.");
        }
        return PartitionReassignment.completedIfCaughtUp(PartitionReassignment.started(base, replicas),
                live::contains);
    }

    private static void checkTargetReplicas(MetadataImage current, List<Integer> replicas) {
        if (replicas.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment includes an empty "
                    + "replica list.");
        }
        Set<Integer> seen = new java.util.HashSet<>();
        for (int replica : replicas) {
            if (!seen.add(replica)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes the broker "
                        + replica + " more than once.");
            }
            if (!current.brokers().containsKey(replica)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                        + replica + ", but no such broker is registered.");
            }
        }
    }

    /** The partitions to elect for, in a stable order; unknown requested ones are reported in {@code results}. */
    private static Map<TopicPartition, PartitionImage> targets(MetadataImage current, Set<TopicPartition> requested,
                                                               Map<TopicPartition, ApiError> results) {
        Map<TopicPartition, PartitionImage> targets = new java.util.LinkedHashMap<>();
        if (requested == null) {
            for (TopicImage topic : new TreeMap<>(current.topicsByName()).values()) {
                topic.partitions().values().forEach(p -> targets.put(new TopicPartition(topic.name(), p.partition()), p));
            }
            return targets;
        }
        for (TopicPartition tp : requested) {
            TopicImage topic = current.topic(tp.topic());
            PartitionImage partition = topic == null ? null : topic.partitions().get(tp.partition());
            if (partition == null) {
                results.put(tp, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Partition " + tp + " does not exist."));
            } else {
                targets.put(tp, partition);
            }
        }
        return targets;
    }
}
