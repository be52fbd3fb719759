package io.sluice.quorum;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * The identity of a metadata directory, stored as {@code meta.properties} (cluster.id, node.id, version) like
 * Kafka's, so a directory is never silently reused by another cluster or node.
 */
public record MetaProperties(String clusterId, int nodeId) {
    public static final String FILE_NAME = "meta.properties";
    private static final String VERSION = "1";

    /**
     * Loads the directory's identity, or writes a new one (with {@code clusterId}, or a fresh random id if null).
     * Fails if the stored identity contradicts the requested cluster or node id.
     */
    public static MetaProperties loadOrCreate(Path dir, int nodeId, String clusterId) {
        Path file = dir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                MetaProperties stored = read(file);
                if (stored.nodeId() != nodeId) {
                    throw new IllegalStateException("Metadata directory " + dir + " belongs to node "
                            + stored.nodeId() + ", not node " + nodeId);
                }
                if (clusterId != null && !clusterId.equals(stored.clusterId())) {
                    throw new IllegalStateException("Metadata directory " + dir + " belongs to cluster "
                            + stored.clusterId() + ", not cluster " + clusterId);
                }
                return stored;
            }
            MetaProperties created = new MetaProperties(clusterId != null ? clusterId : Uuid.randomUuid().toString(),
                    nodeId);
            created.write(dir);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write " + file, e);
        }
    }

    static MetaProperties read(Path file) throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        }
        String version = props.getProperty("version");
        String clusterId = props.getProperty("cluster.id");
        String nodeId = props.getProperty("node.id");
        if (!VERSION.equals(version) || clusterId == null || nodeId == null) {
            throw new IOException(file + " is not a version " + VERSION
                    + " meta.properties with cluster.id and node.id");
        }
        return new MetaProperties(clusterId, Integer.parseInt(nodeId.trim()));
    }

    void write(Path dir) throws IOException {
        Properties props = new Properties();
        props.setProperty("version", VERSION);
        props.setProperty("cluster.id", clusterId);
        props.setProperty("node.id", Integer.toString(nodeId));
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            props.store(out, null);
        }
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
