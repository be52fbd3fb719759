package io.sluice.group.consumer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * KIP-848's incremental reconciliation of one member towards its part of the target assignment. The member states
 * and their transitions:
 * <pre>
 *   STABLE ----------------(a new target epoch)-----------------> UNREVOKED_PARTITIONS | UNRELEASED_PARTITIONS | STABLE
 *   UNREVOKED_PARTITIONS --(owned partitions no longer include the revoked ones)--> (as from STABLE, at epoch + 1)
 *   UNRELEASED_PARTITIONS -(other members released what it waits for)----------> UNRELEASED_PARTITIONS | STABLE
 *   UNKNOWN ---------------(the member owns nothing)----------------------------> (as from STABLE)
 * </pre>
 * A partition is revoked from its owner before it is assigned to another member: a member first gives up what its
 * target no longer has (staying at its epoch until its heartbeat no longer reports them), then moves to the target
 * epoch, getting at once the partitions nobody owns and later the ones others still release. What it keeps it never
 * stops consuming.
 *
 * <p>Stateless; every input is passed in.
 */
public final class MemberReconciliation {
    /** Who owns a partition now: the epoch of its owner, or -1 when no member owns it. */
    @FunctionalInterface
    public interface PartitionOwners {
        int ownerEpoch(Uuid topicId, int partition);
    }

    /** The member must give up everything and join again: it is in a state this version does not know. */
    public static final class FencedException extends RuntimeException {
        FencedException(String message) {
            super(message);
        }
    }

    private MemberReconciliation() {
    }

    /**
     * The member's next state.
     *
     * @param owned what the member's heartbeat says it owns, or null when the heartbeat did not say (unchanged)
     */
    public static ConsumerGroupMember reconcile(ConsumerGroupMember member, int targetEpoch,
                                                Map<Uuid, Set<Integer>> target, PartitionOwners owners,
                                                Map<Uuid, Set<Integer>> owned) {
        return switch (member.state()) {
            case STABLE -> member.memberEpoch() == targetEpoch ? member
                    : next(member, member.memberEpoch(), targetEpoch, target, owners, owned);
            case UNREVOKED_PARTITIONS -> ownsAny(owned, member.partitionsPendingRevocation()) ? member
                    : next(member, member.memberEpoch() + 1, targetEpoch, target, owners, owned);
            case UNRELEASED_PARTITIONS -> next(member, member.memberEpoch(), targetEpoch, target, owners, owned);
            case UNKNOWN -> {
                if (owned == null || !owned.isEmpty()) {
                    throw new FencedException("The member is in a state this coordinator does not know; it must "
                            + "give up its partitions and join again");
                }
                yield next(member, targetEpoch, targetEpoch, target, owners, owned);
            }
        };
    }

    private static ConsumerGroupMember next(ConsumerGroupMember member, int epoch, int targetEpoch,
                                            Map<Uuid, Set<Integer>> target, PartitionOwners owners,
                                            Map<Uuid, Set<Integer>> owned) {
        Map<Uuid, Set<Integer>> current = member.assignedPartitions();
        Map<Uuid, Set<Integer>> kept = Assignments.intersection(current, target);
        Map<Uuid, Set<Integer>> toRevoke = Assignments.minus(current, kept);
        Map<Uuid, Set<Integer>> free = new HashMap<>();
        boolean unreleased = false;
        for (Map.Entry<Uuid, Set<Integer>> topic : Assignments.minus(target, kept).entrySet()) {
            Set<Integer> partitions = new HashSet<>();
            for (int partition : topic.getValue()) {
                if (owners.ownerEpoch(topic.getKey(), partition) == -1) {
                    partitions.add(partition);
                } else {
                    unreleased = true;
                }
            }
            free.put(topic.getKey(), partitions);
        }
        if (!toRevoke.isEmpty() && ownsAny(owned, toRevoke)) {
            return member.reconciled(epoch, MemberState.UNREVOKED_PARTITIONS, kept, toRevoke);
        }
        Map<Uuid, Set<Integer>> assigned = union(kept, free);
        return member.reconciled(targetEpoch, unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
                assigned, Map.of());
    }

    /** Whether the member still owns any of the partitions; a heartbeat that did not say is taken as yes. */
    private static boolean ownsAny(Map<Uuid, Set<Integer>> owned, Map<Uuid, Set<Integer>> partitions) {
        return owned == null || !Assignments.intersection(owned, partitions).isEmpty();
    }

    private static Map<Uuid, Set<Integer>> union(Map<Uuid, Set<Integer>> a, Map<Uuid, Set<Integer>> b) {
        Map<Uuid, Set<Integer>> result = new HashMap<>();
        a.forEach((topic, partitions) -> result.computeIfAbsent(topic, t -> new HashSet<>()).addAll(partitions));
        b.forEach((topic, partitions) -> result.computeIfAbsent(topic, t -> new HashSet<>()).addAll(partitions));
        return result;
    }
}
