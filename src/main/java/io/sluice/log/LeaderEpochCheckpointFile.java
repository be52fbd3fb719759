package io.sluice.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The partition's "leader-epoch-checkpoint": one "epoch startOffset" entry per leader epoch, in Kafka's format. */
final class LeaderEpochCheckpointFile {
    static final String FILE_NAME = "leader-epoch-checkpoint";

    private final CheckpointFile file;

    LeaderEpochCheckpointFile(Path dir) {
        this.file = new CheckpointFile(dir, FILE_NAME, 2);
    }

    boolean exists() {
        return file.exists();
    }

    void write(List<EpochEntry> entries) {
        List<String> lines = new ArrayList<>(entries.size());
        for (EpochEntry entry : entries) {
            lines.add(entry.epoch() + " " + entry.startOffset());
        }
        file.write(lines);
    }

    /** The entries, or null when the file is absent or malformed (the caller rebuilds them from the log). */
    List<EpochEntry> read() {
        List<String[]> stored = file.read();
        if (stored == null) {
            return null;
        }
        try {
            List<EpochEntry> entries = new ArrayList<>(stored.size());
            for (String[] fields : stored) {
                entries.add(new EpochEntry(Integer.parseInt(fields[0]), Long.parseLong(fields[1])));
            }
            return entries;
        } catch (NumberFormatException e) {
            return file.malformed(e);
        }
    }
}
