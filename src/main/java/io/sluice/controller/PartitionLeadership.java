package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecord;
import io.sluice.metadata.MetadataRecord.PartitionRecord;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Leader and ISR decisions, as pure functions of an image. Every change bumps the partition epoch by one (so the
 * state machine rejects a change computed from a stale image) and the leader epoch whenever the leader changes.
 */
final class PartitionLeadership {
    static final String UNCLEAN_KEY = "unclean.leader.election.enable";

    private PartitionLeadership() {
    }

    /** The outcome of an election: a leader (-1 when offline) and the ISR that goes with it. */
    record Election(int leader, List<Integer> isr) {
    }

    /**
     * The first replica (preferred order) that is in the ISR and live; with {@code unclean}, failing that, the first
     * live replica, which then forms the ISR alone; otherwise leader -1 with the ISR unchanged.
     */
    static Election elect(List<Integer> replicas, List<Integer> isr, IntPredicate live, boolean unclean) {
        for (int replica : replicas) {
            if (isr.contains(replica) && live.test(replica)) {
                return new Election(replica, isr);
            }
        }
        if (unclean) {
            for (int replica : replicas) {
                if (live.test(replica)) {
                    return new Election(replica, List.of(replica));
                }
            }
        }
        return new Election(-1, isr);
    }

    /** The record replacing {@code current} with this leader and ISR, or null when nothing changes. */
    static PartitionRecord change(TopicImage topic, PartitionImage current, int leader, List<Integer> isr) {
        if (leader == current.leader() && isr.equals(current.isr())) {
            return null;
        }
        int leaderEpoch = leader == current.leader() ? current.leaderEpoch() : current.leaderEpoch() + 1;
        return new PartitionRecord(topic.id(), current.partition(), current.replicas(), isr, leader, leaderEpoch,
                current.partitionEpoch() + 1, current.addingReplicas(), current.removingReplicas());
    }

    /**
     * The record turning {@code current} into {@code next} (same partition; every field but the epochs taken from
     * next), or null when nothing changes. Used when the replica set itself changes (reassignments).
     */
    static PartitionRecord change(TopicImage topic, PartitionImage current, PartitionImage next) {
        if (next.replicas().equals(current.replicas()) && next.isr().equals(current.isr())
                && next.leader() == current.leader() && next.addingReplicas().equals(current.addingReplicas())
                && next.removingReplicas().equals(current.removingReplicas())) {
            return null;
        }
        int leaderEpoch = next.leader() == current.leader() ? current.leaderEpoch() : current.leaderEpoch() + 1;
        return new PartitionRecord(topic.id(), current.partition(), next.replicas(), next.isr(), next.leader(),
                leaderEpoch, current.partitionEpoch() + 1, next.addingReplicas(), next.removingReplicas());
    }

    /** The image a record describes. */
    static PartitionImage image(PartitionRecord record) {
        return new PartitionImage(record.partition(), record.replicas(), record.isr(), record.leader(),
                record.leaderEpoch(), record.partitionEpoch(), record.addingReplicas(), record.removingReplicas());
    }

    static boolean uncleanAllowed(TopicImage topic, boolean brokerDefault) {
        String value = topic.configs().get(UNCLEAN_KEY);
        return value == null ? brokerDefault : Boolean.parseBoolean(value.trim());
    }

    /** Brokers that are registered and not fenced. */
    static Set<Integer> liveBrokers(MetadataImage image) {
        Set<Integer> live = new HashSet<>();
        for (BrokerImage broker : image.brokers().values()) {
            if (!broker.fenced()) {
                live.add(broker.id());
            }
        }
        return live;
    }

    /**
     * Removes {@code brokerId} from every ISR and moves its leaderships to other live ISR members. The last ISR
     * member stays in the ISR (leader -1) so it can lead again when it returns without losing acknowledged data,
     * unless unclean election lets a live out-of-sync replica take over.
     */
    static List<MetadataRecord> removeBroker(MetadataImage image, int brokerId, boolean uncleanDefault) {
        Set<Integer> live = liveBrokers(image);
        live.remove(brokerId);
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topicsById().values()) {
            boolean unclean = uncleanAllowed(topic, uncleanDefault);
            for (PartitionImage partition : topic.partitions().values()) {
                if (!partition.replicas().contains(brokerId)) {
                    continue;
                }
                List<Integer> isr = new ArrayList<>(partition.isr());
                isr.remove(Integer.valueOf(brokerId));
                if (isr.isEmpty()) {
                    isr.add(brokerId);
                }
                int leader = partition.leader();
                List<Integer> newIsr = isr;
                if (leader == brokerId || leader < 0) {
                    Election election = elect(partition.replicas(), isr, live::contains, unclean);
                    leader = election.leader();
                    newIsr = election.isr();
                }
                PartitionRecord change = change(topic, partition, leader, List.copyOf(newIsr));
                if (change != null) {
                    records.add(change);
                }
            }
        }
        return records;
    }

    /** Elects a leader for every offline partition that {@code brokerId} (now live) can lead. */
    static List<MetadataRecord> brokerReturned(MetadataImage image, int brokerId, boolean uncleanDefault) {
        Set<Integer> live = liveBrokers(image);
        live.add(brokerId);
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topicsById().values()) {
            boolean unclean = uncleanAllowed(topic, uncleanDefault);
            for (PartitionImage partition : topic.partitions().values()) {
                if (partition.leader() >= 0 || !partition.replicas().contains(brokerId)) {
                    continue;
                }
                Election election = elect(partition.replicas(), partition.isr(), live::contains, unclean);
                PartitionRecord change = change(topic, partition, election.leader(), election.isr());
                if (change != null) {
                    records.add(change);
                }
            }
        }
        return records;
    }
}
