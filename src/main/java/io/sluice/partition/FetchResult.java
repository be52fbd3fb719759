package io.sluice.partition;

import io.sluice.log.EpochEndOffset;
import io.sluice.log.LogReadInfo;

/**
 * What a read of a led partition returns: the records ({@code info}), or, when the fetcher's log has diverged from
 * this leader's (KIP-320), no records and the epoch and end offset to truncate to ({@code divergingEpoch}); with
 * either, the high watermark and log start offset to report.
 */
public record FetchResult(LogReadInfo info, EpochEndOffset divergingEpoch, long highWatermark, long logStartOffset) {
    public boolean diverged() {
        return divergingEpoch != null;
    }
}
