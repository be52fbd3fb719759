package io.sluice.network;

import io.sluice.log.FileSlice;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.RecordsSend;

/**
 * Records that stay in a segment file until the response is written: the response writer turns them
 * into a file region so the kernel copies file to socket (sendfile).
 */
public record FileSliceRecords(FileSlice slice) implements BaseRecords {

    @Override
    public int sizeInBytes() {
        return slice.size();
    }

    /** Kafka's own Send path is never used: {@link ResponseWriter} sends the file region itself. */
    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
        throw new UnsupportedOperationException("file slices are sent by ResponseWriter as a FileRegion");
    }
}
