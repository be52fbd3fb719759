package io.sluice.coordinator;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partitions of a coordinator topic (__consumer_offsets, __transaction_state) this node coordinates the keys
 * of, and in which leader epoch: a partition is LOADING from the moment this node becomes its leader until its state
 * is read back from the log, then LOADED until leadership moves away. Before {@link #start(int)} (the topic does not
 * exist yet) every key is loading. A key maps to a partition by Kafka's rule, so it has the same coordinator as on a
 * Kafka cluster. Methods are synchronized: leadership changes come from the metadata thread, loads end on the loader
 * thread, and requests read from many threads.
 */
public final class CoordinatorOwnership {
    /** A partition's place in its life here. */
    public enum State {
        LOADING, LOADED
    }

    private record Owned(int leaderEpoch, State state) {
    }

    private final Map<Integer, Owned> owned = new HashMap<>();
    private int numPartitions;

    /** The topic exists with this many partitions: keys map to partitions from now on. */
    public synchronized void start(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        this.numPartitions = partitions;
    }

    public synchronized int numPartitions() {
        return numPartitions;
    }

    /** Kafka's rule: the partition of a group id or transactional id among numPartitions. */
    public static int partitionFor(String key, int numPartitions) {
        return Utils.abs(key.hashCode()) % numPartitions;
    }

    /** The partition holding the key; -1 before start. */
    public synchronized int partitionFor(String key) {
        return numPartitions == 0 ? -1 : partitionFor(key, numPartitions);
    }

    /**
     * Whether this node may serve the key now: NONE when it coordinates it, NOT_COORDINATOR when another node does
     * (the client asks FindCoordinator again), COORDINATOR_LOAD_IN_PROGRESS while its state is still being read.
     */
    public synchronized Errors errorFor(String key) {
        if (numPartitions == 0) {
            return Errors.COORDINATOR_LOAD_IN_PROGRESS;
        }
        Owned partition = owned.get(partitionFor(key, numPartitions));
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
