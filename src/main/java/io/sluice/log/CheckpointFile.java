package io.sluice.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's checkpoint text layout, shared by the leader-epoch and offset checkpoints: a version line (0), a count
 * line, then one entry per line with a fixed number of space-separated fields. Written to a temp file that is
 * synced, renamed over the old one, and the directory synced, so a crash leaves the old or the new file, never a
 * torn one. Not thread-safe: each owner writes its file from one place at a time.
 */
final class CheckpointFile {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointFile.class);
    private static final int VERSION = 0;

    private final Path dir;
    private final Path file;
    private final int fieldsPerEntry;

    CheckpointFile(Path dir, String fileName, int fieldsPerEntry) {
        this.dir = dir;
        this.file = dir.resolve(fileName);
        this.fieldsPerEntry = fieldsPerEntry;
    }

    boolean exists() {
        return Files.exists(file);
    }

    /** Replaces the file with these entries, each a line of fieldsPerEntry fields. */
    void write(List<String> entries) {
        StringBuilder text = new StringBuilder();
        text.append(VERSION).append('\n').append(entries.size()).append('\n');
        for (String entry : entries) {
            text.append(entry).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot write " + file, e);
        }
    }

    /** Makes the rename durable; some file systems refuse to open a directory, which then only costs durability. */
    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("Cannot sync directory {}: {}", dir, e.toString());
        }
    }

    /**
     * The entries' fields, or null when the file is absent or malformed (logged; the owner then rebuilds what it
     * holds from the log). A field that does not parse as the owner expects should be reported with
     * {@link #malformed}.
     */
    List<String[]> read() {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IllegalArgumentException("bad header");
            }
            int count = Integer.parseInt(lines.get(1).trim());
            if (count < 0 || lines.size() < 2 + count) {
                throw new IllegalArgumentException("expected " + count + " entries");
            }
            List<String[]> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String[] fields = lines.get(2 + i).trim().split("\\s+");
                if (fields.length != fieldsPerEntry) {
                    throw new IllegalArgumentException("bad line " + lines.get(2 + i));
                }
                entries.add(fields);
            }
            return entries;
        } catch (IOException | IllegalArgumentException e) {
            return malformed(e);
        }
    }

    /** Logs that the file cannot be used and returns null, the answer for an unusable file. */
    <T> T malformed(Exception e) {
        LOG.warn("Ignoring malformed {}: {}", file, e.getMessage());
        return null;
    }
}
