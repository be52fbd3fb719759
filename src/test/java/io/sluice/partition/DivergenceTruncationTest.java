package io.sluice.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.EpochEndOffset;
import io.sluice.log.Log;
import io.sluice.log.LogConfig;
import io.sluice.log.LogReadInfo;
import io.sluice.testing.ManualTime;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a diverged follower cuts its log, and that repeated fetch rounds leave it identical to its leader. */
class DivergenceTruncationTest {
    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);

    private Log log(String name) {
        return Log.open(dir.resolve(name), LogConfig.of(Map.of(), Map.of()), 0L, true, time, (task, delay, run) -> { });
    }

    private static void write(Log log, int epoch, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(NOW, values[i].getBytes(StandardCharsets.UTF_8));
        }
        log.append(MemoryRecords.withRecords(Compression.NONE, records), epoch);
    }

    private static MemoryRecords readFrom(Log log, long offset) {
        LogReadInfo info = log.read(offset, Integer.MAX_VALUE, true);
        ByteBuffer buffer = ByteBuffer.allocate(info.slice().size());
        try {
            info.slice().channel().read(buffer, info.slice().position());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }

    private static List<String> contents(Log log) {
        List<String> result = new ArrayList<>();
        if (log.logEndOffset() == log.logStartOffset()) {
            return result;
        }
        for (RecordBatch batch : readFrom(log, log.logStartOffset()).batches()) {
            for (Record record : batch) {
                ByteBuffer value = record.value();
                byte[] bytes = new byte[value.remaining()];
                value.get(bytes);
                result.add(record.offset() + "@" + batch.partitionLeaderEpoch() + "=" + new String(bytes, StandardCharsets.UTF_8));
            }
        }
        return result;
    }

    /**
     * Fetch rounds as the replica fetcher and the leader's Fetch handler run them: the leader reports divergence when
     * the follower's last epoch ends, on its side, before the follower's log end (or it knows only older epochs); the
     * follower truncates; once nothing diverges it copies the rest. Returns the offsets removed in total.
     */
    private static long replicate(Log leader, Log follower, int maxRounds) {
        long removed = 0;
        for (int round = 0; round < maxRounds; round++) {
            int lastFetchedEpoch = follower.latestEpoch();
            long fetchOffset = follower.logEndOffset();
            if (lastFetchedEpoch >= 0) {
                EpochEndOffset end = leader.endOffsetForEpoch(lastFetchedEpoch);
                if (end.epoch() < lastFetchedEpoch || end.endOffset() < fetchOffset) {
                    removed += DivergenceTruncation.apply(follower, end);
                    continue;
                }
            }
            if (fetchOffset < leader.logEndOffset()) {
                follower.appendAsFollower(readFrom(leader, fetchOffset));
            }
            return removed;
        }
        throw new AssertionError("the logs did not converge in " + maxRounds + " rounds");
    }

    @Test
    void targetKeepsWhatTheLeaderHasOfASharedEpoch() {
        assertThat(DivergenceTruncation.target(new EpochEndOffset(3, 40), new EpochEndOffset(3, 55), 55)).isEqualTo(40);
        assertThat(DivergenceTruncation.target(new EpochEndOffset(3, 40), new EpochEndOffset(3, 30), 30)).isEqualTo(30);
    }

    @Test
    void targetCutsAtTheFollowersOwnEndOfAnOlderEpochItHasInsteadOfTheLeaders() {
        assertThat(DivergenceTruncation.target(new EpochEndOffset(2, 6), new EpochEndOffset(1, 4), 8)).isEqualTo(4);
    }

    @Test
    void targetWithoutAnEpochOnEitherSideFallsBackToTheLeadersEnd() {
        assertThat(DivergenceTruncation.target(new EpochEndOffset(-1, 6), EpochEndOffset.UNDEFINED, 8)).isEqualTo(6);
        assertThat(DivergenceTruncation.target(new EpochEndOffset(2, 6), EpochEndOffset.UNDEFINED, 8)).isEqualTo(6);
        assertThat(DivergenceTruncation.target(new EpochEndOffset(2, -1), EpochEndOffset.UNDEFINED, 8)).isEqualTo(8);
    }

    @Test
    void aDeposedLeaderDropsItsUnreplicatedRecordsAndTakesTheNewLeaders() {
        Log leader = log("leader-0");
        Log follower = log("follower-0");
        write(leader, 1, "a", "b", "c");
        follower.appendAsFollower(readFrom(leader, 0));
        // The old leader (now the follower) wrote two records in epoch 1 that nobody copied ...
        write(follower, 1, "lost-1", "lost-2");
        // ... and the new leader took over in epoch 2 at offset 3.
        leader.assignLeaderEpoch(2);
        write(leader, 2, "d", "e", "f", "g");

        long removed = replicate(leader, follower, 5);

        assertThat(removed).isEqualTo(2);
        assertThat(contents(follower)).isEqualTo(contents(leader))
                .containsExactly("0@1=a", "1@1=b", "2@1=c", "3@2=d", "4@2=e", "5@2=f", "6@2=g");
        assertThat(follower.leaderEpochCache().entries()).isEqualTo(leader.leaderEpochCache().entries());
    }

    @Test
    void aFollowerWithEpochsTheLeaderNeverHadConvergesOverSeveralRounds() {
        Log leader = log("leader-0");
        Log follower = log("follower-0");
        write(leader, 1, "a", "b", "c");
        follower.appendAsFollower(readFrom(leader, 0));
        write(follower, 1, "x3");
        write(follower, 3, "x4", "x5", "x6", "x7");
        write(leader, 2, "d", "e", "f");
        leader.assignLeaderEpoch(5);
        write(leader, 5, "g");

        long removed = replicate(leader, follower, 5);

        assertThat(removed).isEqualTo(5);
        assertThat(contents(follower)).isEqualTo(contents(leader));
        assertThat(follower.logEndOffset()).isEqualTo(7);
    }

    @Test
    void aNewLeaderWithoutRecordsInItsEpochStillCutsTheOldLeadersTail() {
        Log leader = log("leader-0");
        Log follower = log("follower-0");
        write(leader, 1, "a", "b");
        follower.appendAsFollower(readFrom(leader, 0));
        write(follower, 1, "lost");
        leader.assignLeaderEpoch(2);

        long removed = replicate(leader, follower, 5);

        assertThat(removed).isEqualTo(1);
        assertThat(contents(follower)).isEqualTo(contents(leader)).hasSize(2);
    }
}
