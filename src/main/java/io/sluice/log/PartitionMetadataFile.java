package io.sluice.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's "partition.metadata" in a partition's log directory: the id of the topic the log belongs to
 * ({@code version: 0} then {@code topic_id: <base64 uuid>}). Topic names are reused after a deletion, ids are not:
 * a broker that was down while a topic was deleted and created again finds by the id that the log on its disk
 * belongs to the old topic. Stateless.
 */
public final class PartitionMetadataFile {
    static final String NAME = "partition.metadata";
    private static final Logger LOG = LoggerFactory.getLogger(PartitionMetadataFile.class);

    private PartitionMetadataFile() {
    }

    /** The topic id recorded in the log directory, or null when there is none (a log from before ids were kept). */
    public static Uuid read(Path logDir) {
        Path file = logDir.resolve(NAME);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith("topic_id:")) {
                    return Uuid.fromString(line.substring("topic_id:".length()).trim());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Ignoring unreadable {}: {}", file, e.toString());
        }
        return null;
    }

    public static void write(Path logDir, Uuid topicId) {
        AtomicFile.replace(logDir.resolve(NAME), "version: 0\ntopic_id: " + topicId + "\n");
    }
}
