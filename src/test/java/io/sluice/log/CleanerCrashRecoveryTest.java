package io.sluice.log;

import io.sluice.testing.ManualTime;
import static io.sluice.log.CompactionTestSupport.describe;
import static io.sluice.log.CompactionTestSupport.keyed;
import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanerCrashRecoveryTest {
    @TempDir
    Path root;
    final ManualTime time = new ManualTime(NOW);
    final LogTestSupport.ManualScheduler scheduler = new LogTestSupport.ManualScheduler();
    final LogConfig config = config(Map.of(LogConfig.CLEANUP_POLICY, "compact", LogConfig.SEGMENT_BYTES, "1000",
            LogConfig.INDEX_INTERVAL_BYTES, "150"));

    private Log open(Path dir, boolean clean) {
        return Log.open(dir, config, 0L, clean, time, scheduler);
    }

    private Log writeUpdates(Path dir) {
        Log log = open(dir, true);
        for (int i = 0; i < 150; i++) {
            log.append(keyed("k" + (i % 4), "v-" + i), 0);
        }
        return log;
    }

    private static List<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aLeftoverCleanedSegmentIsDroppedAndTheLogIsAsBefore() throws IOException {
        Path dir = root.resolve("t-0");
        Log log = writeUpdates(dir);
        List<String> before = describe(log, 0);
        log.close();
        // A pass that died while writing: partial cleaned files next to the intact originals.
        Files.write(dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX) + LogSegment.CLEANED_SUFFIX),
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 99, 1, 2});
        Files.write(dir.resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX) + LogSegment.CLEANED_SUFFIX),
                new byte[] {0, 0, 0, 1, 0, 0, 0, 7});

        for (boolean clean : new boolean[] {true, false}) {
            Log reopened = open(dir, clean);
            assertThat(fileNames(dir)).noneMatch(name -> name.endsWith(LogSegment.CLEANED_SUFFIX));
            assertThat(describe(reopened, 0)).containsExactlyElementsOf(before);
            reopened.close();
        }
    }

    @Test
    void aLeftoverSwapFileIsSwappedInReplacingTheOriginalsItCovers() throws IOException {
        Path crashed = root.resolve("crashed-0");
        Path compactedDir = root.resolve("compacted-0");
        Log original = writeUpdates(crashed);
        List<String> before = describe(original, 0);
        original.close();
        copyLogFiles(crashed, compactedDir);
        Log compacted = open(compactedDir, true);
        compacted.compact(time.milliseconds());
        // A second pass merges the shrunken segments, so the first cleaned segment covers several originals.
        compacted.compact(time.milliseconds());
        List<Long> compactedBases = compacted.segmentBaseOffsets();
        long swappedEnd = compactedBases.get(1);
        List<Long> coveredOriginals = original.segmentBaseOffsets().stream().filter(b -> b > 0 && b < swappedEnd).toList();
        assertThat(coveredOriginals).isNotEmpty();
        List<String> compactedView = describe(compacted, 0);
        compacted.close();
        // The crash came after the first cleaned segment became a .swap and one original was renamed .deleted.
        Files.copy(compactedDir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX)),
                crashed.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX) + LogSegment.SWAP_SUFFIX));
        Files.copy(compactedDir.resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX)),
                crashed.resolve(LogSegment.fileName(0, LogSegment.INDEX_SUFFIX) + LogSegment.SWAP_SUFFIX));
        Path firstOriginal = crashed.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        Files.move(firstOriginal, crashed.resolve(firstOriginal.getFileName() + LogSegment.DELETED_SUFFIX));

        Log recovered = open(crashed, false);

        assertThat(fileNames(crashed)).noneMatch(name -> name.endsWith(LogSegment.SWAP_SUFFIX)
                || name.endsWith(LogSegment.DELETED_SUFFIX));
        List<String> expected = new ArrayList<>();
        compactedView.stream().filter(line -> offset(line) < swappedEnd).forEach(expected::add);
        before.stream().filter(line -> offset(line) >= swappedEnd).forEach(expected::add);
        assertThat(describe(recovered, 0)).containsExactlyElementsOf(expected);
        assertThat(recovered.segmentBaseOffsets()).doesNotContainAnyElementsOf(coveredOriginals);
        assertThat(recovered.logEndOffset()).isEqualTo(150);
        assertThat(recovered.append(keyed("k0", "after"), 0).firstOffset()).isEqualTo(150);
        recovered.close();

        Log reopened = open(crashed, true);
        assertThat(describe(reopened, 0)).containsExactlyElementsOf(
                Stream.concat(expected.stream(), Stream.of("150 k0=after")).toList());
        reopened.close();
    }

    @Test
    void aReaderHoldingAReplacedSegmentKeepsReadingItUntilTheDeleteDelay() throws IOException {
        Path dir = root.resolve("t-0");
        Log log = writeUpdates(dir);
        FileSlice inFlight = log.read(0, 1 << 16, true).slice();
        ByteBuffer expected = ByteBuffer.allocate(inFlight.size());
        inFlight.channel().read(expected, inFlight.position());

        log.compact(time.milliseconds());

        assertThat(Files.exists(dir.resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX) + LogSegment.DELETED_SUFFIX)))
                .isTrue();
        ByteBuffer again = ByteBuffer.allocate(inFlight.size());
        inFlight.channel().read(again, inFlight.position());
        assertThat(again.flip()).isEqualTo(expected.flip());
        assertThat(scheduler.delays).contains(config.fileDeleteDelayMs());
        scheduler.runAll();
        assertThat(inFlight.channel().isOpen()).isFalse();
        assertThat(fileNames(dir)).noneMatch(name -> name.endsWith(LogSegment.DELETED_SUFFIX));
        log.close();
    }

    private static long offset(String line) {
        return Long.parseLong(line.substring(0, line.indexOf(' ')));
    }

    private static void copyLogFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
