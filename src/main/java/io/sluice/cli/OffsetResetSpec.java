package io.sluice.cli;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Where {@code groups --reset-offsets} moves a group: earliest, latest, an offset, a point in time, or a shift. */
record OffsetResetSpec(Kind kind, long value) {
    enum Kind { EARLIEST, LATEST, OFFSET, DATETIME, SHIFT_BY }

    static final String DATETIME_FORM = "YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone offset such as Z or +02:00";

    static OffsetResetSpec earliest() {
        return new OffsetResetSpec(Kind.EARLIEST, 0);
    }

    static OffsetResetSpec latest() {
        return new OffsetResetSpec(Kind.LATEST, 0);
    }

    static OffsetResetSpec toOffset(long offset) {
        return new OffsetResetSpec(Kind.OFFSET, offset);
    }

    static OffsetResetSpec shiftBy(long delta) {
        return new OffsetResetSpec(Kind.SHIFT_BY, delta);
    }

    /** The first records at or after the time; value is epoch milliseconds. */
    static OffsetResetSpec toDatetime(long epochMs) {
        return new OffsetResetSpec(Kind.DATETIME, epochMs);
    }

    /**
     * Parses Kafka's --to-datetime form; without a zone the local time zone applies, as in Kafka.
     * @throws IllegalArgumentException naming the expected form
     */
    static long parseDatetime(String text, ZoneId localZone) {
        String t = text.trim();
        try {
            return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException withoutZone) {
            try {
                return LocalDateTime.parse(t, DateTimeFormatter.ISO_LOCAL_DATE_TIME).atZone(localZone).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("Invalid date-time '" + text + "': expected " + DATETIME_FORM);
            }
        }
    }
}
