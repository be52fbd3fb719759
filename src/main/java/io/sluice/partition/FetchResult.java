package io.sluice.partition;

import io.sluice.log.AbortedTxn;
import io.sluice.log.EpochEndOffset;
import io.sluice.log.LogReadInfo;
import java.util.List;

/**
 * What a read of a led partition returns: the records ({@code info}), or, when the fetcher's log has diverged from
 * this leader's (KIP-320), no records and the epoch and end offset to truncate to ({@code divergingEpoch}); with
 * either, the high watermark, last stable offset and log start offset to report. A read_committed read also gets the
 * aborted transactions among its records ({@code abortedTransactions}, else null), for the consumer to drop.
 */
public record FetchResult(LogReadInfo info, EpochEndOffset divergingEpoch, long highWatermark, long lastStableOffset,
                          long logStartOffset, List<AbortedTxn> abortedTransactions) {
    public boolean diverged() {
        return divergingEpoch != null;
    }
}
