package io.sluice.log;

import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.idempotent;
import static io.sluice.log.LogTestSupport.open;
import static io.sluice.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testing.ManualTime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where each leader epoch ends in a log, and cutting a follower's log back to where it diverged. */
class LeaderEpochTruncationTest {
    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);

    private Log log(String name, Map<String, String> overrides) {
        return open(dir.resolve(name), config(overrides), time, new LogTestSupport.ManualScheduler());
    }

    private static List<String> values(Log log) {
        return readAll(log, log.logStartOffset()).stream().map(LeaderEpochTruncationTest::value).toList();
    }

    private static String value(Record record) {
        byte[] bytes = new byte[record.valueSize()];
        record.value().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void theEndOfAnEpochIsTheStartOfTheNextOneInTheLog() {
        Log log = log("epochs-0", Map.of());
        log.append(batch(NOW, "a", "b"), 1);
        log.append(batch(NOW, "c"), 1);
        log.append(batch(NOW, "d", "e"), 3);
        log.append(batch(NOW, "f"), 4);

        assertThat(log.endOffsetForEpoch(0)).isEqualTo(new Log.EpochEndOffset(-1, -1));
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new Log.EpochEndOffset(1, 3));
        // Epoch 2 never appended here: the answer is the largest epoch below it.
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new Log.EpochEndOffset(1, 3));
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new Log.EpochEndOffset(3, 5));
        assertThat(log.endOffsetForEpoch(4)).isEqualTo(new Log.EpochEndOffset(4, 6));
        assertThat(log.endOffsetForEpoch(9)).isEqualTo(new Log.EpochEndOffset(4, 6));
        assertThat(log.lastLeaderEpoch()).isEqualTo(4);
        assertThat(log("empty-0", Map.of()).lastLeaderEpoch()).isEqualTo(-1);
    }

    @Test
    void truncationDropsLaterSegmentsAndTheTailAndTheLogGoesOnFromThere() {
        // Small segments: every batch past the first rolls a new one.
        Log log = log("cut-0", Map.of("segment.bytes", "100"));
        log.append(batch(NOW, "a"), 1);
        log.append(batch(NOW, "b"), 1);
        log.append(idempotent(5L, (short) 0, 0, NOW, "stale-1"), 2);
        log.append(idempotent(5L, (short) 0, 1, NOW, "stale-2"), 2);
        assertThat(log.numberOfSegments()).isGreaterThan(2);

        log.truncateTo(2);

        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(values(log)).containsExactly("a", "b");
        assertThat(log.activeProducers()).isEmpty();
        assertThat(log.lastLeaderEpoch()).isEqualTo(1);
        log.append(batch(NOW, "c"), 3);
        assertThat(values(log)).containsExactly("a", "b", "c");
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new Log.EpochEndOffset(1, 2));
        log.close();

        Log reopened = log("cut-0", Map.of("segment.bytes", "100"));
        assertThat(values(reopened)).containsExactly("a", "b", "c");
    }

    @Test
    void truncatingInsideTheActiveSegmentKeepsTheBatchesBelow() {
        Log log = log("inside-0", Map.of());
        log.append(batch(NOW, "a", "b"), 1);
        log.append(batch(NOW, "c"), 2);
        log.truncateTo(5);
        assertThat(log.logEndOffset()).isEqualTo(3);

        log.truncateTo(2);

        assertThat(values(log)).containsExactly("a", "b");
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new Log.EpochEndOffset(1, 2));
    }
}
