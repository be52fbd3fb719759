package io.sluice.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stray log directories of a set of log dirs: partition logs the metadata did not know, renamed
 * "topic-partition.uuid-stray" by {@link LogManager#markStray} instead of being deleted. Used by the broker
 * (delayed deletion) and by the {@code sluice log-dirs} command. Stateless.
 */
public final class StrayLogs {
    public static final String SUFFIX = "-stray";
    private static final Logger LOG = LoggerFactory.getLogger(StrayLogs.class);

    private StrayLogs() {
    }

    public static boolean isStray(Path dir) {
        return dir.getFileName().toString().endsWith(SUFFIX);
    }

    /** Every stray directory under the log dirs, in name order; a log dir that does not exist has none. */
    public static List<Path> list(List<Path> logDirs) {
        List<Path> strays = new ArrayList<>();
        for (Path logDir : logDirs) {
            if (!Files.isDirectory(logDir)) {
                continue;
            }
            try (Stream<Path> children = Files.list(logDir)) {
                children.filter(Files::isDirectory).filter(StrayLogs::isStray).sorted().forEach(strays::add);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list log dir " + logDir, e);
            }
        }
        return strays;
    }

    /** Deletes one stray directory; false if it was already gone. */
    public static boolean delete(Path strayDir) {
        if (!Files.exists(strayDir)) {
            return false;
        }
        LOG.info("Deleting the stray log {}", strayDir);
        LogManager.deleteRecursively(strayDir);
        return true;
    }
}
