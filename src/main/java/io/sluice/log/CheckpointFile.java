package io.sluice.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's checkpoint text layout, shared by the leader-epoch and offset checkpoints: a version line (0), a count
 * line, then one entry per line with a fixed number of space-separated fields, replaced as an {@link AtomicFile}.
 * Not thread-safe: each owner writes its file from one place at a time.
 */
final class CheckpointFile {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointFile.class);
    private static final int VERSION = 0;

    private final Path file;
    private final int fieldsPerEntry;

    CheckpointFile(Path dir, String fileName, int fieldsPerEntry) {
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
        AtomicFile.replace(file, text.toString());
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
