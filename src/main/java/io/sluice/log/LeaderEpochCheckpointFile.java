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
 * The partition's "leader-epoch-checkpoint" in Kafka's text format: a version line (0), a count line, then one
 * "epoch startOffset" line per entry. Written to a temp file that is synced, renamed over the old one, and the
 * directory synced, so a crash leaves either the old or the new list, never a torn one.
 */
final class LeaderEpochCheckpointFile {
    static final String FILE_NAME = "leader-epoch-checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(LeaderEpochCheckpointFile.class);
    private static final int VERSION = 0;

    private final Path dir;
    private final Path file;

    LeaderEpochCheckpointFile(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
    }

    boolean exists() {
        return Files.exists(file);
    }

    void write(List<EpochEntry> entries) {
        StringBuilder text = new StringBuilder();
        text.append(VERSION).append('\n').append(entries.size()).append('\n');
        for (EpochEntry entry : entries) {
            text.append(entry.epoch()).append(' ').append(entry.startOffset()).append('\n');
        }
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
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

    /** The entries, or null when the file is absent or malformed (the caller rebuilds them from the log). */
    List<EpochEntry> read() {
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
            List<EpochEntry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String[] parts = lines.get(2 + i).trim().split("\\s+");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("bad line " + lines.get(2 + i));
                }
                entries.add(new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
            }
            return entries;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Ignoring malformed {}: {}", file, e.getMessage());
            return null;
        }
    }
}
