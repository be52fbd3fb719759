package io.sluice.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader-epoch cache: assignment rules, truncation from either end, the checkpoint file, endOffsetFor. */
class LeaderEpochCacheTest {
    @TempDir
    Path dir;

    private LeaderEpochCache cache() {
        return new LeaderEpochCache(new LeaderEpochCheckpointFile(dir));
    }

    private String checkpointText() throws Exception {
        return Files.readString(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME), StandardCharsets.UTF_8);
    }

    @Test
    void assignKeepsTheFirstOffsetOfEachNewEpochOnly() {
        LeaderEpochCache cache = cache();

        assertThat(cache.assign(2, 0)).isTrue();
        assertThat(cache.assign(2, 5)).isFalse();
        assertThat(cache.assign(4, 10)).isTrue();
        assertThat(cache.assign(4, 12)).isFalse();
        assertThat(cache.assign(-1, 20)).isFalse();

        assertThat(cache.entries()).containsExactly(new EpochEntry(2, 0), new EpochEntry(4, 10));
        assertThat(cache.latestEpoch()).isEqualTo(4);
    }

    @Test
    void anEntryBreakingTheOrderReplacesTheEntriesItConflictsWith() {
        LeaderEpochCache cache = cache();
        cache.assign(1, 0);
        cache.assign(3, 10);
        cache.assign(5, 20);

        cache.assign(4, 15);

        assertThat(cache.entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 10), new EpochEntry(4, 15));
        cache.assign(4, 12);
        assertThat(cache.entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 10), new EpochEntry(4, 12));
    }

    @Test
    void truncateFromEndDropsEpochsStartingAtOrAfterTheNewEnd() {
        LeaderEpochCache cache = cache();
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(3, 20);

        cache.truncateFromEnd(20);
        assertThat(cache.entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 10));
        cache.truncateFromEnd(11);
        assertThat(cache.entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 10));
        cache.truncateFromEnd(0);
        assertThat(cache.entries()).isEmpty();
        assertThat(cache.latestEpoch()).isEqualTo(-1);
    }

    @Test
    void truncateFromStartMovesTheEpochHoldingTheNewStart() {
        LeaderEpochCache cache = cache();
        cache.assign(1, 0);
        cache.assign(2, 10);
        cache.assign(3, 20);

        cache.truncateFromStart(15);
        assertThat(cache.entries()).containsExactly(new EpochEntry(2, 15), new EpochEntry(3, 20));
        cache.truncateFromStart(20);
        assertThat(cache.entries()).containsExactly(new EpochEntry(3, 20));
        cache.truncateFromStart(25);
        assertThat(cache.entries()).containsExactly(new EpochEntry(3, 25));
    }

    @Test
    void everyChangeIsWrittenInKafkasCheckpointFormatAndReadBack() throws Exception {
        LeaderEpochCache cache = cache();
        cache.assign(0, 0);
        cache.assign(3, 42);
        assertThat(checkpointText()).isEqualTo("0\n2\n0 0\n3 42\n");

        cache.truncateFromEnd(42);
        assertThat(checkpointText()).isEqualTo("0\n1\n0 0\n");
        cache.assign(7, 100);

        LeaderEpochCache reloaded = cache();
        assertThat(reloaded.loadedFromCheckpoint()).isTrue();
        assertThat(reloaded.entries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(7, 100));
        assertThat(Files.exists(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME + ".tmp"))).isFalse();
    }

    @Test
    void aMissingOrMalformedCheckpointLoadsEmpty() throws Exception {
        assertThat(cache().loadedFromCheckpoint()).isFalse();
        Files.writeString(dir.resolve(LeaderEpochCheckpointFile.FILE_NAME), "0\n3\n1 0\n");

        LeaderEpochCache cache = cache();

        assertThat(cache.loadedFromCheckpoint()).isFalse();
        assertThat(cache.entries()).isEmpty();
    }

    @Test
    void endOffsetForFollowsKafkasRules() {
        LeaderEpochCache cache = cache();
        assertThat(cache.endOffsetFor(0, 50)).isEqualTo(EpochEndOffset.UNDEFINED);
        cache.assign(2, 5);
        cache.assign(4, 10);
        cache.assign(6, 30);

        // The latest epoch runs to the log end.
        assertThat(cache.endOffsetFor(6, 50)).isEqualTo(new EpochEndOffset(6, 50));
        // A known older epoch ends where the next one starts.
        assertThat(cache.endOffsetFor(4, 50)).isEqualTo(new EpochEndOffset(4, 30));
        assertThat(cache.endOffsetFor(2, 50)).isEqualTo(new EpochEndOffset(2, 10));
        // An unknown epoch between two known ones: the largest epoch below it, ending where the next starts.
        assertThat(cache.endOffsetFor(5, 50)).isEqualTo(new EpochEndOffset(4, 30));
        assertThat(cache.endOffsetFor(3, 50)).isEqualTo(new EpochEndOffset(2, 10));
        // Below every known epoch: that epoch, ending where the log's first epoch starts.
        assertThat(cache.endOffsetFor(1, 50)).isEqualTo(new EpochEndOffset(1, 5));
        // Above every known epoch, or no epoch at all: undefined.
        assertThat(cache.endOffsetFor(7, 50)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(cache.endOffsetFor(-1, 50)).isEqualTo(EpochEndOffset.UNDEFINED);
    }
}
