package io.sluice.network;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A file region over a segment's shared channel. Extending DefaultFileRegion keeps the epoll
 * transport's sendfile path; releasing it must not close the channel, which the segment owns.
 */
final class SegmentFileRegion extends DefaultFileRegion {

    SegmentFileRegion(FileChannel channel, long position, long count) {
        super(channel, position, count);
    }

    @Override
    protected void deallocate() {
        // The segment closes its channel when it is deleted or the log shuts down.
    }
}
