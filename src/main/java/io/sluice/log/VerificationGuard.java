package io.sluice.log;

/**
 * KIP-890: the token a partition leader takes before asking a producer's transaction coordinator whether this
 * partition is part of the producer's transaction; the batch that opens the transaction here is appended only if
 * the token is still the producer's. A marker written meanwhile (the transaction ended) drops it, so a late batch
 * cannot open a transaction nobody will end; except, for transactions version 2, the marker of the previous
 * transaction written with this guard's epoch (version 2 writes its markers with the bumped epoch the producer's
 * next transaction uses), which ends another transaction than the one being verified.
 *
 * <p>Compared by identity; immutable.
 */
public final class VerificationGuard {
    /** Returned when the producer's transaction is open here already: a later batch of it needs no verification. */
    public static final VerificationGuard TRANSACTION_OPEN = new VerificationGuard((short) -1, false);

    private final short producerEpoch;
    private final boolean epochBumpedAtEnd;

    VerificationGuard(short producerEpoch, boolean epochBumpedAtEnd) {
        this.producerEpoch = producerEpoch;
        this.epochBumpedAtEnd = epochBumpedAtEnd;
    }

    boolean isFor(short producerEpoch, boolean epochBumpedAtEnd) {
        return this.producerEpoch == producerEpoch && this.epochBumpedAtEnd == epochBumpedAtEnd;
    }

    /** Whether a marker of the producer, written with that epoch, leaves this guard in place. */
    boolean survivesMarker(short markerEpoch) {
        return epochBumpedAtEnd && markerEpoch == producerEpoch;
    }

    @Override
    public String toString() {
        return this == TRANSACTION_OPEN ? "VerificationGuard(transaction open)"
                : "VerificationGuard(epoch " + producerEpoch + (epochBumpedAtEnd ? ", version 2)" : ")");
    }
}
