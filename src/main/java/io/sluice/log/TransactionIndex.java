package io.sluice.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One segment's aborted transaction index ({@code <base>.txnindex}): an entry for each abort marker the segment
 * holds, in Kafka's format (version 0: int16 version, then producer id, first offset, last offset and last stable
 * offset as int64s, 34 bytes). The entries are few, so all of them are also kept in memory; the file is created when
 * the first entry is written, so a segment without aborts has none.
 *
 * <p>Threading: appends and truncations come from the log under its append lock; readers take a copy of the
 * entries list, which is replaced, never changed, on each write.
 */
final class TransactionIndex {
    static final String SUFFIX = ".txnindex";
    private static final short VERSION = 0;
    static final int ENTRY_SIZE = 34;

    private Path file;
    private FileChannel channel;
    private volatile List<AbortedTxn> entries = List.of();

    TransactionIndex(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** Reads the file if there is one; a torn last entry (a crash mid-write) is cut off. */
    void load() throws IOException {
        if (!Files.exists(file)) {
            entries = List.of();
            return;
        }
        byte[] data = Files.readAllBytes(file);
        int whole = data.length / ENTRY_SIZE;
        List<AbortedTxn> loaded = new ArrayList<>(whole);
        ByteBuffer buffer = ByteBuffer.wrap(data);
        for (int i = 0; i < whole; i++) {
            short version = buffer.getShort();
            if (version != VERSION) {
                throw new IOException("Unknown aborted transaction index version " + version + " in " + file);
            }
            loaded.add(new AbortedTxn(buffer.getLong(), buffer.getLong(), buffer.getLong(), buffer.getLong()));
        }
        entries = List.copyOf(loaded);
        if (data.length != whole * ENTRY_SIZE) {
            rewrite();
        }
    }

    void append(AbortedTxn txn) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(ENTRY_SIZE);
            buffer.putShort(VERSION).putLong(txn.producerId()).putLong(txn.firstOffset()).putLong(txn.lastOffset())
                    .putLong(txn.lastStableOffset()).flip();
            FileChannel out = channel();
            while (buffer.hasRemaining()) {
                out.write(buffer, out.size());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        List<AbortedTxn> next = new ArrayList<>(entries);
        next.add(txn);
        entries = List.copyOf(next);
    }

    /** Drops the entries of aborts at or past the offset (their markers were truncated away). */
    void truncateTo(long offset) {
        List<AbortedTxn> kept = entries.stream().filter(txn -> txn.lastOffset() < offset).toList();
        if (kept.size() != entries.size()) {
            entries = kept;
            rewrite();
        }
    }

    /** Forgets every entry and removes the file: the segment is being rebuilt from its batches. */
    void reset() {
        entries = List.of();
        closeChannel();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot reset " + file, e);
        }
    }

    /** Adds to {@code into} the aborts whose range meets [fetchOffset, upperBoundOffset). */
    void collect(long fetchOffset, long upperBoundOffset, List<AbortedTxn> into) {
        for (AbortedTxn txn : entries) {
            if (txn.lastOffset() >= fetchOffset && txn.firstOffset() < upperBoundOffset) {
                into.add(txn);
            }
        }
    }

    List<AbortedTxn> entries() {
        return entries;
    }

    void flush() {
        FileChannel open = channel;
        if (open != null) {
            try {
                open.force(true);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot flush " + file, e);
            }
        }
    }

    void renameTo(Path target) throws IOException {
        if (Files.exists(file)) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        file = target;
    }

    void deleteFile() throws IOException {
        closeChannel();
        Files.deleteIfExists(file);
    }

    void close() {
        closeChannel();
    }

    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        }
        return channel;
    }

    private void rewrite() {
        closeChannel();
        try {
            Files.deleteIfExists(file);
            List<AbortedTxn> all = entries;
            entries = List.of();
            for (AbortedTxn txn : all) {
                append(txn);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot rewrite " + file, e);
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // The file is being replaced or removed.
            }
            channel = null;
        }
    }
}
