package io.sluice.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The persisted log start offset of a partition ("log-start-offset"), written when DeleteRecords or retention moves
 * it inside a segment, so a restart does not expose deleted records again. Stateless.
 */
final class LogStartOffsetFile {
    static final String NAME = "log-start-offset";

    private LogStartOffsetFile() {
    }

    /** The persisted offset, or -1 when there is none (or it is unreadable: the segments then decide). */
    static long read(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static void write(Path dir, long offset) {
        AtomicFile.replace(dir.resolve(NAME), Long.toString(offset));
    }
}
