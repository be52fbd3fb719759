package io.sluice.group.offsets;

import io.sluice.group.GroupOwnership;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;

/**
 * Which __consumer_offsets partitions this node coordinates the groups of, and in which leader epoch: a partition
 * is LOADING from the moment this node becomes its leader until its groups are read back from the log, then
 * LOADED until leadership moves away. Before {@link #start(int)} (the offsets topic does not exist yet) every
 * group is loading. Methods are synchronized: leadership changes come from the metadata thread, loads end on the
 * loader thread, and requests read from many threads.
 */
public final class PartitionOwnership implements GroupOwnership {
    /** A partition's place in its life here. */
    public enum State {
        LOADING, LOADED
    }

    private record Owned(int leaderEpoch, State state) {
    }

    private final Map<Integer, Owned> owned = new HashMap<>();
    private int numPartitions;

    /** The offsets topic exists with this many partitions: groups map to partitions from now on. */
    public synchronized void start(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        this.numPartitions = partitions;
    }

    public synchronized int numPartitions() {
        return numPartitions;
    }

    /** The offsets partition holding the group; -1 before start. */
    public synchronized int partitionFor(String groupId) {
        return numPartitions == 0 ? -1 : OffsetsTopic.partitionFor(groupId, numPartitions);
    }

    @Override
    public synchronized Errors errorFor(String groupId) {
        if (numPartitions == 0) {
            return Errors.COORDINATOR_LOAD_IN_PROGRESS;
        }
        Owned partition = owned.get(OffsetsTopic.partitionFor(groupId, numPartitions));
        if (partition == null) {
            return Errors.NOT_COORDINATOR;
        }
        return partition.state == State.LOADED ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
    }

    /** The partition's state here, or null when this node does not lead it. */
    public synchronized State state(int partition) {
        Owned current = owned.get(partition);
        return current == null ? null : current.state;
    }

    /**
     * This node leads the partition in the given epoch. Returns true when a load must run: the partition was not
     * led here, or was in another epoch (someone else may have written to it meanwhile; the caller unloads first).
     */
    public synchronized boolean beginLoad(int partition, int leaderEpoch) {
        Owned current = owned.get(partition);
        if (current != null && current.leaderEpoch == leaderEpoch) {
            return false;
        }
        owned.put(partition, new Owned(leaderEpoch, State.LOADING));
        return true;
    }

    /** The load for this epoch finished; false when leadership moved on meanwhile (the loaded state is stale). */
    public synchronized boolean completeLoad(int partition, int leaderEpoch) {
        Owned current = owned.get(partition);
        if (current == null || current.leaderEpoch != leaderEpoch || current.state != State.LOADING) {
            return false;
        }
        owned.put(partition, new Owned(leaderEpoch, State.LOADED));
        return true;
    }

    /** Leadership of the partition ended here; returns whether it was led (loading or loaded). */
    public synchronized boolean unload(int partition) {
        return owned.remove(partition) != null;
    }

    /** The epoch this node leads the partition in, or -1. */
    public synchronized int leaderEpoch(int partition) {
        Owned current = owned.get(partition);
        return current == null ? -1 : current.leaderEpoch;
    }
}
