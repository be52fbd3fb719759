package io.sluice.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's offset checkpoint text format: a version line (0), a count line, then one
 * "topic partition offset" line per partition. Written atomically via a temp file.
 */
final class RecoveryPointCheckpoint {
    static final String FILE_NAME = "recovery-point-offset-checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryPointCheckpoint.class);
    private static final int VERSION = 0;

    private RecoveryPointCheckpoint() {
    }

    static void write(Path logDir, Map<TopicPartition, Long> offsets) {
        write(logDir, FILE_NAME, offsets);
    }

    /** Writes any offset checkpoint file of the log dir in this format (the cleaner's too). */
    static void write(Path logDir, String fileName, Map<TopicPartition, Long> offsets) {
        StringBuilder text = new StringBuilder();
        text.append(VERSION).append('\n').append(offsets.size()).append('\n');
        offsets.forEach((tp, offset) -> text.append(tp.topic()).append(' ').append(tp.partition())
                .append(' ').append(offset).append('\n'));
        try {
            Path tmp = logDir.resolve(fileName + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, logDir.resolve(fileName), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checkpointed offsets, or an empty map (everything recovered) if the file is absent or malformed. */
    static Map<TopicPartition, Long> read(Path logDir) {
        return read(logDir, FILE_NAME);
    }

    static Map<TopicPartition, Long> read(Path logDir, String fileName) {
        Path file = logDir.resolve(fileName);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (!Files.exists(file)) {
            return offsets;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IllegalArgumentException("bad header");
            }
            int count = Integer.parseInt(lines.get(1).trim());
            if (lines.size() < 2 + count) {
                throw new IllegalArgumentException("expected " + count + " entries");
            }
            for (int i = 0; i < count; i++) {
                String[] parts = lines.get(2 + i).trim().split(" ");
                if (parts.length != 3) {
                    throw new IllegalArgumentException("bad line " + lines.get(2 + i));
                }
                offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            }
            return offsets;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Ignoring malformed {}: {}", file, e.getMessage());
            return new HashMap<>();
        }
    }
}
