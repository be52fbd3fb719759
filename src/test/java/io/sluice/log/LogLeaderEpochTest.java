package io.sluice.log;

import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.idempotent;
import static io.sluice.log.LogTestSupport.read;
import static io.sluice.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.ManualTime;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log keeps its leader-epoch cache in step with appends, truncation, log start moves and crash recovery. */
class LogLeaderEpochTest {
    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);
    private final LogTestSupport.ManualScheduler scheduler = new LogTestSupport.ManualScheduler();

    private Log open(String name, Map<String, String> overrides, boolean cleanShutdown) {
        return Log.open(dir.resolve(name), config(overrides), 0L, cleanShutdown, time, scheduler);
    }

    private Log open(String name) {
        return open(name, Map.of(), true);
    }

    private static List<String> values(Log log) {
        return readAll(log, log.logStartOffset()).stream().map(LogTestSupport::value).toList();
    }

    /** Offsets 0-1 in epoch 1, 2-4 (an idempotent producer) in epoch 1, 5-6 in epoch 3. */
    private static void writeThreeBatches(Log log) {
        log.append(batch(NOW, "a", "b"), 1);
        log.append(idempotent(7L, (short) 0, 0, NOW, "c", "d", "e"), 1);
        log.append(batch(NOW, "f", "g"), 3);
    }

    @Test
    void leaderAppendsStartAnEpochAtItsFirstOffset() {
        Log log = open("p-0");
        writeThreeBatches(log);

        assertThat(log.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 5));
        assertThat(log.latestEpoch()).isEqualTo(3);
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(1, 5));
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new EpochEndOffset(3, 7));
    }

    @Test
    void becomingLeaderStartsTheEpochAtTheLogEndBeforeAnyAppend() {
        Log log = open("p-0");
        log.append(batch(NOW, "a", "b"), 1);

        log.assignLeaderEpoch(4);
        log.assignLeaderEpoch(4);
        log.append(batch(NOW, "c"), 4);

        assertThat(log.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(4, 2));
    }

    @Test
    void truncatingAtTheLogEndDropsAnEpochThatStartedThereWithoutRecords() {
        Log log = open("p-0");
        log.append(batch(NOW, "a", "b"), 1);
        // Led in epoch 4 but deposed before appending: the new leader (epoch 5) never had epoch 4.
        log.assignLeaderEpoch(4);

        assertThat(log.truncateTo(2)).isZero();

        assertThat(log.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0));
        assertThat(log.latestEpoch()).isEqualTo(1);
    }

    @Test
    void followerAppendsTakeTheEpochOfEachCopiedBatch() {
        Log leader = open("leader-0");
        writeThreeBatches(leader);
        Log follower = open("follower-0");

        follower.appendAsFollower(read(leader.read(0, Integer.MAX_VALUE, true).slice()));

        assertThat(follower.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 5));
    }

    @Test
    void truncateToRemovesWholeBatchesFromTheTargetOnAndTheirEpochsAndProducers() {
        Log log = open("p-0");
        writeThreeBatches(log);

        assertThat(log.truncateTo(5)).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(5);
        assertThat(log.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0));
        assertThat(log.activeProducers()).hasSize(1);

        // Offset 3 lies inside the batch 2-4: the whole batch goes, and with it the producer.
        assertThat(log.truncateTo(3)).isEqualTo(3);
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(log.activeProducers()).isEmpty();
        assertThat(values(log)).containsExactly("a", "b");
        assertThat(log.truncateTo(10)).isZero();

        log.append(batch(NOW, "x"), 5);
        assertThat(values(log)).containsExactly("a", "b", "x");
        assertThat(log.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(5, 2));
    }

    @Test
    void truncationAcrossSegmentsDropsLaterSegmentsAndSurvivesARestart() {
        Map<String, String> small = Map.of("segment.bytes", "200", "index.interval.bytes", "1");
        Log log = open("p-0", small, true);
        for (int i = 0; i < 12; i++) {
            log.append(batch(NOW, "v" + i), i < 6 ? 1 : 2);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(3);
        int segmentsBefore = log.numberOfSegments();

        log.truncateTo(4);

        assertThat(log.logEndOffset()).isEqualTo(4);
        assertThat(log.numberOfSegments()).isLessThan(segmentsBefore);
        assertThat(log.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0));
        log.append(batch(NOW, "w4"), 3);
        assertThat(values(log)).containsExactly("v0", "v1", "v2", "v3", "w4");
        assertThat(log.read(3, Integer.MAX_VALUE, true).slice().size()).isPositive();
        log.close();

        Log reopened = open("p-0", small, true);
        assertThat(reopened.logEndOffset()).isEqualTo(5);
        assertThat(values(reopened)).containsExactly("v0", "v1", "v2", "v3", "w4");
        assertThat(reopened.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 4));
    }

    @Test
    void truncatingBelowTheFirstSegmentEmptiesTheLogAndRestartsItThere() {
        Log log = open("p-0");
        writeThreeBatches(log);

        log.truncateFullyAndStartAt(100);

        assertThat(log.logStartOffset()).isEqualTo(100);
        assertThat(log.logEndOffset()).isEqualTo(100);
        assertThat(log.leaderEpochCache().entries()).isEmpty();
        assertThat(log.activeProducers()).isEmpty();
        log.appendAsFollower(shifted(100, 6));
        assertThat(log.logEndOffset()).isEqualTo(101);
        assertThat(log.leaderEpochCache().entries()).containsExactly(new EpochEntry(6, 100));
    }

    /** One record at the given offset stamped with a leader epoch, as a leader would send it. */
    private static org.apache.kafka.common.record.MemoryRecords shifted(long offset, int epoch) {
        org.apache.kafka.common.record.MemoryRecords records = batch(NOW, "late");
        records.batches().forEach(b -> {
            b.setLastOffset(offset);
            b.setPartitionLeaderEpoch(epoch);
        });
        return records;
    }

    @Test
    void deleteRecordsMovesTheStartOfTheEpochHoldingTheNewLogStart() {
        Log log = open("p-0");
        writeThreeBatches(log);

        log.deleteRecordsBefore(6);

        assertThat(log.leaderEpochCache().entries()).containsExactly(new EpochEntry(3, 6));
    }

    @Test
    void recoveryDropsEpochsStartingPastATornTail() throws Exception {
        Log log = open("p-0");
        writeThreeBatches(log);
        Path segment = dir.resolve("p-0").resolve(LogSegment.fileName(0, LogSegment.LOG_SUFFIX));
        long size = Files.size(segment);
        // A crash tore the last batch (epoch 3, offsets 5-6) in half.
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(size - 10);
        }

        Log recovered = open("p-0", Map.of(), false);

        assertThat(recovered.logEndOffset()).isEqualTo(5);
        assertThat(recovered.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0));
        assertThat(Files.readString(dir.resolve("p-0").resolve(LeaderEpochCheckpointFile.FILE_NAME)))
                .isEqualTo("0\n1\n1 0\n");
    }

    @Test
    void recoveryAddsEpochsOfBatchesTheCheckpointMissedAndDropsOnesPastTheEnd() throws Exception {
        Log log = open("p-0");
        writeThreeBatches(log);
        Path checkpoint = dir.resolve("p-0").resolve(LeaderEpochCheckpointFile.FILE_NAME);
        // The checkpoint knows an epoch whose records never reached the disk, and not epoch 3 whose records did.
        Files.writeString(checkpoint, "0\n2\n1 0\n9 1000\n");

        Log recovered = open("p-0", Map.of(), false);

        assertThat(recovered.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 5));
    }

    @Test
    void aLogWithoutACheckpointRebuildsItsEpochsFromTheBatches() throws Exception {
        Log log = open("p-0");
        writeThreeBatches(log);
        log.close();
        Files.delete(dir.resolve("p-0").resolve(LeaderEpochCheckpointFile.FILE_NAME));

        Log reopened = open("p-0");

        assertThat(reopened.leaderEpochCache().entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 5));
        assertThat(Files.exists(dir.resolve("p-0").resolve(LeaderEpochCheckpointFile.FILE_NAME))).isTrue();
    }
}
