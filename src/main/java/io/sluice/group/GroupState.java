package io.sluice.group;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life cycle of a classic group, with the states a group may come from into each state. Names are spelled
 * as Kafka reports them in DescribeGroups and ListGroups.
 */
public enum GroupState {
    /** No members; may still have committed offsets. */
    EMPTY("Empty"),
    /** Waiting for members to (re)join before a new generation starts. */
    PREPARING_REBALANCE("PreparingRebalance"),
    /** The generation started; waiting for the leader's assignment in SyncGroup. */
    COMPLETING_REBALANCE("CompletingRebalance"),
    /** Every member has its assignment. */
    STABLE("Stable"),
    /** Deleted; requests must look the group up again. */
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }

    /** The states from which a group may move into this one. */
    public Set<GroupState> validPreviousStates() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE);
            case PREPARING_REBALANCE -> EnumSet.of(EMPTY, STABLE, COMPLETING_REBALANCE);
            case COMPLETING_REBALANCE -> EnumSet.of(PREPARING_REBALANCE);
            case STABLE -> EnumSet.of(COMPLETING_REBALANCE);
            case DEAD -> EnumSet.of(EMPTY, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE, DEAD);
        };
    }

    /** The state Kafka spells this way (case-insensitive, as ListGroups' states filter is), or null. */
    public static GroupState fromKafkaName(String name) {
        for (GroupState state : values()) {
            if (state.kafkaName.equalsIgnoreCase(name)) {
                return state;
            }
        }
        return null;
    }
}
