package io.sluice.transaction;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where one transactional id's transaction stands, as Kafka's {@code TransactionState} (same ids in
 * __transaction_state, same names in DescribeTransactions and ListTransactions). The transitions, and the one table
 * {@link #canFollow} checks them against:
 * <pre>
 *   EMPTY               <- EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT        InitProducerId (epoch bump)
 *   ONGOING             <- ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT  AddPartitionsToTxn, AddOffsetsToTxn
 *   PREPARE_COMMIT      <- ONGOING                                        EndTxn(commit)
 *   PREPARE_ABORT       <- ONGOING, PREPARE_EPOCH_FENCE                   EndTxn(abort), a timeout, a fencing
 *                       <- EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT        EndTxn(abort) of transactions version 2,
 *                                                                        which may come before any partition joined
 *   COMPLETE_COMMIT     <- PREPARE_COMMIT                                 every marker written
 *   COMPLETE_ABORT      <- PREPARE_ABORT                                  every marker written
 *   PREPARE_EPOCH_FENCE <- ONGOING                                        a new producer (or the timeout) fences the open one
 *   DEAD                <- EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT        transactional.id.expiration.ms passed
 * </pre>
 * PREPARE_EPOCH_FENCE is never written: the fencing is written as the PREPARE_ABORT that follows it, with the bumped
 * epoch.
 */
public enum TransactionState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort"),
    DEAD(6, "Dead"),
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    private final byte id;
    private final String displayName;

    TransactionState(int id, String displayName) {
        this.id = (byte) id;
        this.displayName = displayName;
    }

    public byte id() {
        return id;
    }

    /** The name Kafka's admin APIs and tools use ("Ongoing", "CompleteCommit"...). */
    public String displayName() {
        return displayName;
    }

    /** The states this one may follow: the transition table. */
    private Set<TransactionState> validPrevious() {
        return switch (this) {
            case EMPTY, DEAD -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case ONGOING -> EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_COMMIT, PREPARE_EPOCH_FENCE -> EnumSet.of(ONGOING);
            case PREPARE_ABORT -> EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case COMPLETE_COMMIT -> EnumSet.of(PREPARE_COMMIT);
            case COMPLETE_ABORT -> EnumSet.of(PREPARE_ABORT);
        };
    }

    public boolean canFollow(TransactionState previous) {
        return validPrevious().contains(previous);
    }

    /** Markers are being written: the transaction is decided but not yet complete on every partition. */
    public boolean isPreparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** No transaction is open: a new one may start. */
    public boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    public static TransactionState forId(byte id) {
        for (TransactionState state : values()) {
            if (state.id == id) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown transaction state id " + id);
    }

    /** The state with Kafka's display name (case-insensitive), for ListTransactions filters and the CLI. */
    public static TransactionState forDisplayName(String name) {
        for (TransactionState state : values()) {
            if (state.displayName.equalsIgnoreCase(name)) {
                return state;
            }
        }
        return null;
    }
}
