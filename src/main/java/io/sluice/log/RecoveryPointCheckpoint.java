package io.sluice.log;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's offset checkpoint files of a log dir (the recovery points, and the cleaner's): one
 * "topic partition offset" entry per partition. Stateless.
 */
final class RecoveryPointCheckpoint {
    static final String FILE_NAME = "recovery-point-offset-checkpoint";

    private RecoveryPointCheckpoint() {
    }

    static void write(Path logDir, Map<TopicPartition, Long> offsets) {
        write(logDir, FILE_NAME, offsets);
    }

    /** Writes any offset checkpoint file of the log dir in this format (the cleaner's too). */
    static void write(Path logDir, String fileName, Map<TopicPartition, Long> offsets) {
        List<String> lines = new ArrayList<>(offsets.size());
        offsets.forEach((tp, offset) -> lines.add(tp.topic() + " " + tp.partition() + " " + offset));
        new CheckpointFile(logDir, fileName, 3).write(lines);
    }

    /** The checkpointed offsets, or an empty map (everything recovered) if the file is absent or malformed. */
    static Map<TopicPartition, Long> read(Path logDir) {
        return read(logDir, FILE_NAME);
    }

    static Map<TopicPartition, Long> read(Path logDir, String fileName) {
        CheckpointFile file = new CheckpointFile(logDir, fileName, 3);
        List<String[]> stored = file.read();
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (stored == null) {
            return offsets;
        }
        try {
            for (String[] fields : stored) {
                offsets.put(new TopicPartition(fields[0], Integer.parseInt(fields[1])), Long.parseLong(fields[2]));
            }
            return offsets;
        } catch (NumberFormatException e) {
            file.malformed(e);
            return new HashMap<>();
        }
    }
}
