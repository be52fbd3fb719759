package io.sluice.log;

/** What a read found: the bytes (possibly empty) and the log bounds at the time of the read. */
public record LogReadInfo(FileSlice slice, long logStartOffset, long logEndOffset) {
}
