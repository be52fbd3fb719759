package io.sluice.log;

/**
 * Outcome of one compaction pass over a log. endOffset is where the next pass's dirty range starts
 * (the cleaner checkpoint); completed is false when the pass gave up because the log changed under it
 * (retention, deletion, close) and nothing past the last swapped group was replaced.
 */
public record CleanResult(long firstDirtyOffset, long endOffset, int segmentsRead, int segmentsWritten,
                          long bytesRead, long bytesWritten, long recordsRead, long recordsRetained,
                          boolean completed) {

    static CleanResult nothingToClean(long firstDirtyOffset) {
        return new CleanResult(firstDirtyOffset, firstDirtyOffset, 0, 0, 0, 0, 0, 0, true);
    }
}
