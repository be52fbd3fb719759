package io.sluice.share;

/**
 * How a member acknowledges a record it holds, with the ids of KafkaShareConsumer's AcknowledgeType (RENEW from
 * KIP-1222). The wire's AcknowledgeTypes also carry 0 (Gap) for offsets absent from the fetched batches; it means
 * what REJECT means here (archived, never redelivered, not dead-lettered), so a decoder maps it to REJECT.
 *
 * <p>Immutable; usable from any thread.
 */
public enum AcknowledgeType {
    /** Processed: the record becomes ACKNOWLEDGED. */
    ACCEPT((byte) 1),
    /** Give it back for redelivery: AVAILABLE, or ARCHIVED once its delivery count reached the limit. */
    RELEASE((byte) 2),
    /** Unprocessable: ARCHIVED without further deliveries. */
    REJECT((byte) 3),
    /** Still working on it: the record stays ACQUIRED by the member with a fresh lock. */
    RENEW((byte) 4);

    private final byte id;

    AcknowledgeType(byte id) {
        this.id = id;
    }

    public byte id() {
        return id;
    }

    public static AcknowledgeType forId(byte id) {
        for (AcknowledgeType type : values()) {
            if (type.id == id) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown acknowledge type id " + id);
    }
}
