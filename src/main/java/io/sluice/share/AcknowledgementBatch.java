package io.sluice.share;

import java.util.List;

/**
 * One acknowledgement range of ShareAcknowledge (or of a ShareFetch that piggy-backs acknowledgements): either
 * one type for every offset of {@code firstOffset..lastOffset}, or one type per offset in order. Built as decoded,
 * without checks, so that a malformed range is answered with INVALID_REQUEST rather than failing the request.
 *
 * <p>Immutable; usable from any thread.
 */
public record AcknowledgementBatch(long firstOffset, long lastOffset, List<AcknowledgeType> types) {
    public AcknowledgementBatch {
        types = List.copyOf(types);
    }

    public static AcknowledgementBatch of(long firstOffset, long lastOffset, AcknowledgeType type) {
        return new AcknowledgementBatch(firstOffset, lastOffset, List.of(type));
    }

    /** Offsets in order, and either one type or exactly one per offset. */
    public boolean isWellFormed() {
        if (firstOffset < 0 || lastOffset < firstOffset || types.isEmpty()) {
            return false;
        }
        return types.size() == 1 || types.size() == lastOffset - firstOffset + 1;
    }

    /** The type for one offset of a {@linkplain #isWellFormed well-formed} range. */
    public AcknowledgeType typeAt(long offset) {
        return types.size() == 1 ? types.get(0) : types.get((int) (offset - firstOffset));
    }
}
