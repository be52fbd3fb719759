package io.sluice.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * One segment: a .log file of whole record batches plus its sparse .index and .timeindex, and the
 * .txnindex of the transactions aborted in it.
 * Appends are serialised by the owning Log; readers only see bytes below the committed size,
 * which is published after the bytes are written.
 */
final class LogSegment {
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    /** A segment the cleaner is still writing; never trusted, removed at start-up. */
    static final String CLEANED_SUFFIX = ".cleaned";
    /** A complete cleaned segment about to replace the originals; start-up finishes the swap. */
    static final String SWAP_SUFFIX = ".swap";

    final long baseOffset;
    private final FileChannel channel;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private final long createdMs;
    private Path logFile;

    private volatile int size;
    private volatile long nextOffset;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestamp = -1;
    private long rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
    private int bytesSinceLastIndexEntry;

    private LogSegment(Path dir, long baseOffset, long createdMs) throws IOException {
        this(dir, baseOffset, createdMs, "");
    }

    private LogSegment(Path dir, long baseOffset, long createdMs, String fileSuffix) throws IOException {
        this.baseOffset = baseOffset;
        this.createdMs = createdMs;
        this.logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX) + fileSuffix);
        this.channel = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.offsetIndex = new OffsetIndex(dir.resolve(fileName(baseOffset, INDEX_SUFFIX) + fileSuffix), baseOffset);
        this.timeIndex = new TimeIndex(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX) + fileSuffix), baseOffset);
        this.txnIndex = new TransactionIndex(dir.resolve(fileName(baseOffset, TransactionIndex.SUFFIX) + fileSuffix));
        this.nextOffset = baseOffset;
    }

    /** A new, empty segment with files named "*.cleaned", for the cleaner to fill. */
    static LogSegment createCleaned(Path dir, long baseOffset, long nowMs) {
        return createEmpty(dir, baseOffset, nowMs, CLEANED_SUFFIX);
    }

    /** A brand new, empty segment. */
    static LogSegment create(Path dir, long baseOffset, long nowMs) {
        return createEmpty(dir, baseOffset, nowMs, "");
    }

    private static LogSegment createEmpty(Path dir, long baseOffset, long nowMs, String fileSuffix) {
        try {
            LogSegment segment = new LogSegment(dir, baseOffset, nowMs, fileSuffix);
            segment.channel.truncate(0);
            segment.offsetIndex.reset();
            segment.timeIndex.reset();
            segment.txnIndex.reset();
            return segment;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An existing segment, not yet loaded: call {@link #loadTrusted} or {@link #scan}. */
    static LogSegment open(Path dir, long baseOffset, long nowMs) {
        try {
            LogSegment segment = new LogSegment(dir, baseOffset, nowMs);
            segment.txnIndex.load();
            return segment;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fileName(long offset, String suffix) {
        return String.format("%020d", offset) + suffix;
    }

    int size() {
        return size;
    }

    long nextOffset() {
        return nextOffset;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    long offsetOfMaxTimestamp() {
        return offsetOfMaxTimestamp;
    }

    /** Timestamp that retention compares against: the newest record, or the file's mtime if none has one. */
    long largestTimestamp() {
        if (maxTimestamp > 0) {
            return maxTimestamp;
        }
        try {
            return Files.getLastModifiedTime(logFile).toMillis();
        } catch (IOException e) {
            return createdMs;
        }
    }

    /** The max timestamp of the first batch, or -1 for an empty segment (max.compaction.lag.ms looks at it). */
    long firstBatchTimestamp() {
        try {
            BatchHeader header = new BatchHeader();
            return header.read(channel, 0, size) ? header.maxTimestamp : RecordBatch.NO_TIMESTAMP;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long offsetIndexSizeInBytes() {
        return offsetIndex.sizeInBytes();
    }

    long timeIndexSizeInBytes() {
        return timeIndex.sizeInBytes();
    }

    /** How long this segment has been filling, per Kafka: by record timestamps if any, else wall clock. */
    long timeWaitedForRoll(long nowMs, long incomingMaxTimestamp) {
        if (rollingBasedTimestamp >= 0 && incomingMaxTimestamp >= 0) {
            return incomingMaxTimestamp - rollingBasedTimestamp;
        }
        return nowMs - createdMs;
    }

    boolean offsetIndexFull(int maxIndexBytes) {
        return offsetIndex.sizeInBytes() + OffsetIndex.ENTRY_SIZE > maxIndexBytes
                || timeIndex.sizeInBytes() + TimeIndex.ENTRY_SIZE > maxIndexBytes;
    }

    /**
     * Writes already-validated batches (offsets assigned) with a single positional write, indexes
     * them, then publishes the new size.
     */
    void append(ByteBuffer data, List<MutableRecordBatch> batches, int indexIntervalBytes) throws IOException {
        int start = size;
        long position = start;
        ByteBuffer src = data.duplicate();
        while (src.hasRemaining()) {
            position += channel.write(src, position);
        }
        int batchPosition = start;
        for (MutableRecordBatch batch : batches) {
            indexBatch(batch.lastOffset(), batch.maxTimestamp(), batchPosition, batch.sizeInBytes(), indexIntervalBytes);
            batchPosition += batch.sizeInBytes();
        }
        nextOffset = batches.get(batches.size() - 1).lastOffset() + 1;
        size = (int) position;
    }

    private void indexBatch(long lastOffset, long batchMaxTimestamp, int position, int batchSize, int indexIntervalBytes) {
        if (rollingBasedTimestamp == RecordBatch.NO_TIMESTAMP) {
            rollingBasedTimestamp = batchMaxTimestamp;
        }
        if (batchMaxTimestamp > maxTimestamp) {
            offsetOfMaxTimestamp = lastOffset;
            maxTimestamp = batchMaxTimestamp;
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.appendOffset(lastOffset, position);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batchSize;
    }

    /** Receives each batch header a scan walks over. */
    interface BatchVisitor {
        void visit(BatchHeader header);
    }

    /**
     * Walks every batch from the start of the file, optionally checking CRCs, rebuilding the
     * indexes when asked and recomputing the in-memory state. The file is truncated at the first
     * torn or invalid batch; returns the number of bytes cut off.
     */
    long scan(boolean validateCrc, boolean rebuildIndexes, int indexIntervalBytes, BatchVisitor visitor) {
        try {
            if (rebuildIndexes) {
                offsetIndex.reset();
                timeIndex.reset();
            }
            maxTimestamp = RecordBatch.NO_TIMESTAMP;
            offsetOfMaxTimestamp = -1;
            rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
            bytesSinceLastIndexEntry = 0;
            long fileSize = channel.size();
            long expectedNext = baseOffset;
            long position = 0;
            BatchHeader header = new BatchHeader();
            ByteBuffer batchBuffer = null;
            while (position < fileSize) {
                if (!header.read(channel, position, fileSize) || header.baseOffset < expectedNext
                        || header.lastOffset - baseOffset > Integer.MAX_VALUE) {
                    break;
                }
                if (validateCrc) {
                    if (batchBuffer == null || batchBuffer.capacity() < header.size) {
                        batchBuffer = ByteBuffer.allocate(Math.max(header.size, 64 * 1024));
                    }
                    batchBuffer.clear().limit(header.size);
                    readFully(batchBuffer, position);
                    batchBuffer.flip();
                    MutableRecordBatch batch = MemoryRecords.readableRecords(batchBuffer).batches().iterator().next();
                    if (!batch.isValid()) {
                        break;
                    }
                }
                if (rebuildIndexes) {
                    indexBatch(header.lastOffset, header.maxTimestamp, (int) position, header.size, indexIntervalBytes);
                } else {
                    trackBatch(header);
                }
                if (visitor != null) {
                    visitor.visit(header);
                }
                expectedNext = header.lastOffset + 1;
                position += header.size;
            }
            if (!rebuildIndexes) {
                bytesSinceLastIndexEntry = (int) (position - offsetIndex.lookup(Long.MAX_VALUE));
            }
            long truncated = fileSize - position;
            if (truncated > 0) {
                channel.truncate(position);
                truncateIndexesTo(position);
            }
            size = (int) position;
            nextOffset = expectedNext;
            return truncated;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void trackBatch(BatchHeader header) {
        if (rollingBasedTimestamp == RecordBatch.NO_TIMESTAMP) {
            rollingBasedTimestamp = header.maxTimestamp;
        }
        if (header.maxTimestamp > maxTimestamp) {
            maxTimestamp = header.maxTimestamp;
            offsetOfMaxTimestamp = header.lastOffset;
        }
    }

    /**
     * Cuts the file before the first batch holding {@code offset} or a later offset, then rebuilds the indexes and
     * in-memory state from what is left (truncation is rare: a follower dropping records its leader lacks).
     */
    void truncateTo(long offset, int indexIntervalBytes) throws IOException {
        int committed = size;
        BatchHeader header = new BatchHeader();
        long position = offsetIndex.lookup(offset);
        while (header.read(channel, position, committed) && header.lastOffset < offset) {
            position += header.size;
        }
        if (position >= committed) {
            return;
        }
        size = (int) position;
        channel.truncate(position);
        txnIndex.truncateTo(offset);
        scan(false, true, indexIntervalBytes, null);
    }

    /** Drops index entries that point into bytes cut off by recovery. */
    private void truncateIndexesTo(long position) {
        if (offsetIndex.isEmpty() || offsetIndex.valueAt(offsetIndex.entries() - 1) < position) {
            return;
        }
        // Rare (only with trusted indexes and a torn tail): rebuild both from what survived.
        offsetIndex.reset();
        timeIndex.reset();
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestamp = -1;
        rollingBasedTimestamp = RecordBatch.NO_TIMESTAMP;
        bytesSinceLastIndexEntry = 0;
        try {
            BatchHeader header = new BatchHeader();
            long pos = 0;
            while (pos < position && header.read(channel, pos, position)) {
                indexBatch(header.lastOffset, header.maxTimestamp, (int) pos, header.size, Integer.MAX_VALUE);
                pos += header.size;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads the index files; returns false when either is missing or fails sanity checks (then the
     * caller must {@link #scan} with index rebuild).
     */
    boolean loadIndexes() {
        try {
            long fileSize = channel.size();
            boolean offsetsOk = offsetIndex.load((int) Math.min(Integer.MAX_VALUE, fileSize), Integer.MAX_VALUE);
            boolean timesOk = timeIndex.load(Integer.MAX_VALUE, Long.MAX_VALUE);
            return offsetsOk && timesOk;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Trusts the files after a clean shutdown: takes the max timestamp from the time index and only
     * walks the batch headers after the last index entry to find the next offset.
     */
    void loadTrusted(int indexIntervalBytes) {
        try {
            long fileSize = channel.size();
            TimestampOffset last = timeIndex.lastEntry();
            if (last != null) {
                maxTimestamp = last.timestamp();
                offsetOfMaxTimestamp = last.offset();
            }
            BatchHeader header = new BatchHeader();
            if (header.read(channel, 0, fileSize)) {
                rollingBasedTimestamp = header.maxTimestamp;
            }
            long position = offsetIndex.lookup(Long.MAX_VALUE);
            long next = baseOffset;
            while (position < fileSize && header.read(channel, position, fileSize)) {
                if (header.maxTimestamp > maxTimestamp) {
                    maxTimestamp = header.maxTimestamp;
                    offsetOfMaxTimestamp = header.lastOffset;
                }
                next = header.lastOffset + 1;
                position += header.size;
            }
            if (position < fileSize) {
                channel.truncate(position);
            }
            bytesSinceLastIndexEntry = (int) (position - offsetIndex.lookup(Long.MAX_VALUE));
            size = (int) position;
            nextOffset = next;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whole batches from the one containing startOffset, up to maxBytes (at least one batch if
     * minOneBatch), stopping before any batch at or past maxOffset. Null if this segment holds
     * nothing at or after startOffset.
     */
    FileSlice read(long startOffset, int maxBytes, boolean minOneBatch, long maxOffset) throws IOException {
        int committed = size;
        BatchHeader header = new BatchHeader();
        long position = offsetIndex.lookup(startOffset);
        while (true) {
            if (!header.read(channel, position, committed)) {
                return null;
            }
            if (header.lastOffset >= startOffset) {
                break;
            }
            position += header.size;
        }
        long start = position;
        long end = position;
        while (header.baseOffset < maxOffset) {
            if (end - start + header.size > maxBytes) {
                if (end == start && minOneBatch) {
                    end += header.size;
                }
                break;
            }
            end += header.size;
            if (!header.read(channel, end, committed)) {
                break;
            }
        }
        return new FileSlice(channel, start, (int) (end - start));
    }

    /** An empty slice at the end of the committed bytes. */
    FileSlice emptySlice() {
        return new FileSlice(channel, size, 0);
    }

    /** First record at or after minOffset with a timestamp at or after the target, or null. */
    TimestampOffset findOffsetByTimestamp(long timestamp, long minOffset) throws IOException {
        if (maxTimestamp < timestamp) {
            return null;
        }
        long fromOffset = Math.max(timeIndex.lookup(timestamp), minOffset);
        int committed = size;
        BatchHeader header = new BatchHeader();
        long position = offsetIndex.lookup(fromOffset);
        while (header.read(channel, position, committed)) {
            if (header.lastOffset >= minOffset && header.maxTimestamp >= timestamp) {
                for (Record record : loadBatch(position, header.size)) {
                    if (record.offset() >= minOffset && record.timestamp() >= timestamp) {
                        return new TimestampOffset(record.timestamp(), record.offset());
                    }
                }
            }
            position += header.size;
        }
        return null;
    }

    /** The exact record holding the segment's largest timestamp, or null if the segment is empty. */
    TimestampOffset exactMaxTimestamp() throws IOException {
        long target = maxTimestamp;
        long batchLastOffset = offsetOfMaxTimestamp;
        if (batchLastOffset < 0) {
            return null;
        }
        int committed = size;
        BatchHeader header = new BatchHeader();
        long position = offsetIndex.lookup(batchLastOffset);
        while (header.read(channel, position, committed)) {
            if (header.lastOffset >= batchLastOffset) {
                for (Record record : loadBatch(position, header.size)) {
                    if (record.timestamp() == target) {
                        return new TimestampOffset(target, record.offset());
                    }
                }
                break;
            }
            position += header.size;
        }
        return new TimestampOffset(target, batchLastOffset);
    }

    private RecordBatch loadBatch(long position, int batchSize) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(batchSize);
        readFully(buffer, position);
        buffer.flip();
        return MemoryRecords.readableRecords(buffer).batches().iterator().next();
    }

    /** Fills the buffer from the file at the position; bytes past the committed size are never asked for. */
    void readFully(ByteBuffer buffer, long position) throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                throw new IOException("Unexpected end of " + logFile);
            }
            pos += n;
        }
    }

    /** Records the final max timestamp in the time index when the segment stops being active. */
    void onBecomeInactive() {
        if (offsetOfMaxTimestamp >= 0) {
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
        }
    }

    void flush() {
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    /**
     * Renames the files with the .deleted suffix; the channel stays open for in-flight reads. A
     * compacted base offset can be retired twice within file.delete.delay.ms, so an older .deleted file
     * of the same name is replaced: its open channels keep reading the unlinked file.
     */
    void markDeleted() throws IOException {
        Path dir = logFile.getParent();
        Path target = dir.resolve(logFile.getFileName() + DELETED_SUFFIX);
        Files.move(logFile, target, StandardCopyOption.REPLACE_EXISTING);
        logFile = target;
        offsetIndex.renameTo(dir.resolve(offsetIndex.file().getFileName() + DELETED_SUFFIX));
        timeIndex.renameTo(dir.resolve(timeIndex.file().getFileName() + DELETED_SUFFIX));
        txnIndex.renameTo(dir.resolve(txnIndex.file().getFileName() + DELETED_SUFFIX));
    }

    /**
     * Renames the three files from "name + from" to "name + to" (e.g. .cleaned to .swap). The indexes
     * go first: the .log file's name is what start-up trusts.
     */
    void renameSuffix(String from, String to) throws IOException {
        offsetIndex.renameTo(swapSuffix(offsetIndex.file(), from, to));
        timeIndex.renameTo(swapSuffix(timeIndex.file(), from, to));
        txnIndex.renameTo(swapSuffix(txnIndex.file(), from, to));
        Path target = swapSuffix(logFile, from, to);
        Files.move(logFile, target, StandardCopyOption.REPLACE_EXISTING);
        logFile = target;
    }

    private static Path swapSuffix(Path file, String from, String to) {
        String name = file.getFileName().toString();
        if (!name.endsWith(from)) {
            throw new IllegalStateException(file + " does not end with " + from);
        }
        return file.resolveSibling(name.substring(0, name.length() - from.length()) + to);
    }

    /** Sets the .log file's modification time, which retention reads for a segment without timestamps. */
    void setLastModified(long ms) throws IOException {
        Files.setLastModifiedTime(logFile, java.nio.file.attribute.FileTime.fromMillis(ms));
    }

    void closeAndDelete() throws IOException {
        close();
        Files.deleteIfExists(logFile);
        offsetIndex.deleteFile();
        timeIndex.deleteFile();
        txnIndex.deleteFile();
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        offsetIndex.close();
        timeIndex.close();
        txnIndex.close();
    }

    FileChannel channel() {
        return channel;
    }

    /** The aborted transactions whose markers this segment holds. */
    TransactionIndex txnIndex() {
        return txnIndex;
    }

    Path logFile() {
        return logFile;
    }

    @Override
    public String toString() {
        return "LogSegment(base=" + baseOffset + ", size=" + size + ")";
    }
}
