package io.sluice.group.consumer;

/**
 * The life cycle of a KIP-848 consumer group, named as Kafka reports it (ListGroups, ConsumerGroupDescribe). The
 * state follows from the group's epochs and members ({@link ConsumerGroup#refreshState}):
 * <pre>
 *   EMPTY        no members
 *   ASSIGNING    the group epoch moved past the target assignment's: a new assignment is due
 *   RECONCILING  the target assignment is computed; some member has not reached it yet
 *   STABLE       every member owns exactly its target, at the assignment epoch
 *   DEAD         deleted, or replaced by a classic group; requests look the group up again
 * </pre>
 * Any live state may follow any other as members come and go; DEAD is final.
 */
public enum ConsumerGroupState {
    EMPTY("Empty"),
    ASSIGNING("Assigning"),
    RECONCILING("Reconciling"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    ConsumerGroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }

    boolean canMoveTo(ConsumerGroupState next) {
        return this != DEAD || next == DEAD;
    }
}
