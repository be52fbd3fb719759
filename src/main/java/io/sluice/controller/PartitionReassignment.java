package io.sluice.controller;

import io.sluice.metadata.PartitionImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Reassignment steps as pure functions of a partition image, following Kafka's KRaft controller. Starting one makes
 * the replica set the target followed by the replicas being removed, so the adding replicas follow the leader and
 * catch up while the old ones still serve; once every target replica is in the ISR the replica set becomes the
 * target, the ISR shrinks to it and, if the leader is leaving, a target replica in the ISR takes over. Epochs are
 * left to {@link PartitionLeadership#change(io.sluice.metadata.TopicImage, PartitionImage, PartitionImage)}.
 */
final class PartitionReassignment {
    private PartitionReassignment() {
    }

    /**
     * The partition as it was before its reassignment (none in progress: unchanged): the adding replicas leave the
     * replicas and the ISR, keeping the original order; a leader that was an adding replica is replaced. Should
     * the ISR hold nothing but adding replicas, the first live remaining replica leads alone (an unclean choice,
     * as in Kafka, since nothing else can lead).
     */
    static PartitionImage reverted(PartitionImage current, IntPredicate live) {
        if (!current.reassigning()) {
            return current;
        }
        List<Integer> adding = current.addingReplicas();
        List<Integer> replicas = without(current.replicas(), adding);
        List<Integer> isr = without(current.isr(), adding);
        int leader = current.leader();
        if (isr.isEmpty() || leader < 0 || adding.contains(leader)) {
            PartitionLeadership.Election election = PartitionLeadership.elect(replicas, isr, live, isr.isEmpty());
            leader = election.leader();
            isr = election.isr();
            if (isr.isEmpty()) {
                isr = List.of(replicas.get(0));
            }
        }
        return new PartitionImage(current.partition(), replicas, isr, leader, current.leaderEpoch(),
                current.partitionEpoch());
    }

    /** Starts moving a partition without a reassignment in progress to {@code target} (validated by the caller). */
    static PartitionImage started(PartitionImage current, List<Integer> target) {
        List<Integer> removing = without(current.replicas(), target);
        List<Integer> adding = without(target, current.replicas());
        List<Integer> replicas = new ArrayList<>(target);
        replicas.addAll(removing);
        return new PartitionImage(current.partition(), replicas, current.isr(), current.leader(),
                current.leaderEpoch(), current.partitionEpoch(), adding, removing);
    }

    /**
     * Completes the reassignment when every target replica is in the ISR and a live target replica in it can lead;
     * otherwise returns {@code current} unchanged.
     */
    static PartitionImage completedIfCaughtUp(PartitionImage current, IntPredicate live) {
        if (!current.reassigning()) {
            return current;
        }
        List<Integer> target = current.targetReplicas();
        if (!current.isr().containsAll(target)) {
            return current;
        }
        List<Integer> isr = without(current.isr(), current.removingReplicas());
        int leader = current.leader();
        if (!target.contains(leader) || !live.test(leader)) {
            leader = PartitionLeadership.elect(target, isr, live, false).leader();
            if (leader < 0) {
                return current;
            }
        }
        return new PartitionImage(current.partition(), target, isr, leader, current.leaderEpoch(),
                current.partitionEpoch());
    }

    private static List<Integer> without(List<Integer> values, List<Integer> removed) {
        List<Integer> kept = new ArrayList<>(values.size());
        for (int value : values) {
            if (!removed.contains(value)) {
                kept.add(value);
            }
        }
        return List.copyOf(kept);
    }
}
