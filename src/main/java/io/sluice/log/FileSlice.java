package io.sluice.log;

import java.nio.channels.FileChannel;

/**
 * A byte range of a segment file holding whole record batches, served to the network with zero
 * copy. The channel stays owned by its segment: whoever sends the slice must not close it.
 */
public record FileSlice(FileChannel channel, long position, int size) {
}
