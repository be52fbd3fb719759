package io.sluice.group.consumer;

/**
 * Where a KIP-848 member is in reconciling its assignment with the group's target assignment, with Kafka's ids (the
 * {@code State} field of the current member assignment record).
 */
public enum MemberState {
    /** Owns exactly its target assignment, at the group's assignment epoch. */
    STABLE((byte) 0),
    /** Must first revoke partitions its target no longer has; stays at its epoch until it does. */
    UNREVOKED_PARTITIONS((byte) 1),
    /** At the new epoch, but waits for partitions other members have not released yet. */
    UNRELEASED_PARTITIONS((byte) 2),
    /** Written by a newer version; treated as needing reconciliation. */
    UNKNOWN((byte) 127);

    private final byte id;

    MemberState(byte id) {
        this.id = id;
    }

    public byte id() {
        return id;
    }

    public static MemberState fromId(byte id) {
        for (MemberState state : values()) {
            if (state.id == id) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
