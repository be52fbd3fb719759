package io.sluice.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A sparse, append-only index of fixed-size entries mapping a monotonic key to an int value,
 * held in memory and mirrored to a file in Kafka's layout. Entries are appended to the file as
 * they are added; the file is never preallocated, so its length is always a whole number of entries.
 */
abstract class IndexFile implements AutoCloseable {
    private final int entrySize;
    private Path file;
    private FileChannel channel;
    private long[] keys = new long[16];
    private int[] values = new int[16];
    private int entries;

    IndexFile(Path file, int entrySize) {
        this.file = file;
        this.entrySize = entrySize;
    }

    /** Encodes one entry in the file layout. */
    abstract void write(ByteBuffer out, long key, int value);

    /** Decodes the key of an entry whose bytes start at the buffer position. */
    abstract long readKey(ByteBuffer in);

    abstract int readValue(ByteBuffer in);

    /**
     * Loads the index file. Returns false (leaving the index empty) when the file is missing or
     * fails the sanity checks, in which case the caller rebuilds it from the log.
     */
    synchronized boolean load(int maxValue, long maxKey) {
        try {
            if (!Files.exists(file)) {
                return false;
            }
            long length = Files.size(file);
            if (length % entrySize != 0) {
                return false;
            }
            ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file));
            int count = (int) (length / entrySize);
            ensureCapacity(count);
            for (int i = 0; i < count; i++) {
                long key = readKey(data);
                int value = readValue(data);
                if ((i > 0 && (key < keys[i - 1] || value < values[i - 1])) || value > maxValue || key > maxKey
                        || value < 0) {
                    entries = 0;
                    return false;
                }
                keys[i] = key;
                values[i] = value;
            }
            entries = count;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the index afresh, both in memory and on disk. */
    synchronized void reset() {
        entries = 0;
        try {
            channel().truncate(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void append(long key, int value) {
        ensureCapacity(entries + 1);
        keys[entries] = key;
        values[entries] = value;
        entries++;
        ByteBuffer out = ByteBuffer.allocate(entrySize);
        write(out, key, value);
        out.flip();
        try {
            FileChannel ch = channel();
            long position = (long) (entries - 1) * entrySize;
            while (out.hasRemaining()) {
                position += ch.write(out, position);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Index of the last entry whose key is at most the target, or -1. */
    synchronized int floorSlot(long target) {
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    synchronized long keyAt(int slot) {
        return keys[slot];
    }

    synchronized int valueAt(int slot) {
        return values[slot];
    }

    synchronized int entries() {
        return entries;
    }

    synchronized long sizeInBytes() {
        return (long) entries * entrySize;
    }

    synchronized boolean isEmpty() {
        return entries == 0;
    }

    synchronized void flush() {
        try {
            if (channel != null) {
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized Path file() {
        return file;
    }

    synchronized void renameTo(Path target) throws IOException {
        if (Files.exists(file)) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        file = target;
    }

    @Override
    public synchronized void close() {
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void deleteFile() throws IOException {
        close();
        Files.deleteIfExists(file);
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }
        return channel;
    }

    private void ensureCapacity(int needed) {
        if (needed > keys.length) {
            int size = Math.max(needed, keys.length * 2);
            keys = Arrays.copyOf(keys, size);
            values = Arrays.copyOf(values, size);
        }
    }
}
