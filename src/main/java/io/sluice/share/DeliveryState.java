package io.sluice.share;

/**
 * The delivery state of one record of a share-partition, with the ids of its persisted form (the DeliveryState
 * of WriteShareGroupState and of the {@code __share_group_state} records; Kafka's RecordState).
 *
 * <p>Transitions, all made through {@link #transitionTo}:
 * <pre>
 *   AVAILABLE -&gt; ACQUIRED      a fetch delivers it to a member: delivery count + 1, a lock owned by that member
 *   AVAILABLE -&gt; ARCHIVED      it can never be delivered: absent from the log (a gap between fetched batches), or
 *                              its delivery count already reached the limit (restored state, a lowered limit)
 *   ACQUIRED  -&gt; ACQUIRED      RENEW: the holder takes a fresh lock; not a new delivery
 *   ACQUIRED  -&gt; ACKNOWLEDGED  ACCEPT
 *   ACQUIRED  -&gt; AVAILABLE     RELEASE, lock expiry or the holder leaving, below the delivery count limit
 *   ACQUIRED  -&gt; ARCHIVED      REJECT; or RELEASE, lock expiry or the holder leaving at the delivery count limit
 * </pre>
 * ACKNOWLEDGED and ARCHIVED are final: such a record is never delivered again.
 *
 * <p>Immutable; usable from any thread.
 */
public enum DeliveryState {
    AVAILABLE((byte) 0),
    ACQUIRED((byte) 1),
    ACKNOWLEDGED((byte) 2),
    ARCHIVED((byte) 4);

    private final byte id;

    DeliveryState(byte id) {
        this.id = id;
    }

    /** The id the persisted form uses. */
    public byte id() {
        return id;
    }

    public static DeliveryState forId(byte id) {
        for (DeliveryState state : values()) {
            if (state.id == id) {
                return state;
            }
        }
        throw new IllegalArgumentException("Unknown delivery state id " + id);
    }

    /** Final states end a record's life in the share-partition; the start offset may move past them. */
    public boolean isFinal() {
        return this == ACKNOWLEDGED || this == ARCHIVED;
    }

    /**
     * Checks a change against the table above and returns {@code next}. Failing loudly here keeps a logic error
     * from silently redelivering or losing a record.
     *
     * @throws IllegalStateException if the table has no such transition
     */
    public DeliveryState transitionTo(DeliveryState next) {
        boolean allowed = switch (this) {
            case AVAILABLE -> next == ACQUIRED || next == ARCHIVED;
            case ACQUIRED -> true;
            case ACKNOWLEDGED, ARCHIVED -> false;
        };
        if (!allowed) {
            throw new IllegalStateException("No transition from " + this + " to " + next);
        }
        return next;
    }
}
