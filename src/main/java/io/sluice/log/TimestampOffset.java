package io.sluice.log;

/** A record's offset and timestamp, as ListOffsets reports them. */
public record TimestampOffset(long timestamp, long offset) {
}
