package io.sluice.log;

import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.idempotent;
import static io.sluice.log.LogTestSupport.open;
import static io.sluice.log.LogTestSupport.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.testing.ManualTime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A follower's log takes the leader's batches with their offsets; consumers' reads stop at a limit. */
class FollowerAppendTest {
    @TempDir
    Path dir;

    private final ManualTime time = new ManualTime(NOW);

    private Log log(String name) {
        return open(dir.resolve(name), config(Map.of()), time, new LogTestSupport.ManualScheduler());
    }

    private static List<Long> baseOffsets(MemoryRecords records) {
        List<Long> offsets = new ArrayList<>();
        records.batches().forEach(b -> offsets.add(b.baseOffset()));
        return offsets;
    }

    @Test
    void batchesCopiedFromTheLeaderKeepTheirOffsetsEpochsAndProducerState() {
        Log leader = log("leader-0");
        leader.append(batch(NOW, "a", "b"), 4);
        leader.append(idempotent(7L, (short) 0, 0, NOW, "c", "d", "e"), 5);
        Log follower = log("follower-0");

        long end = follower.appendAsFollower(read(leader.read(0, Integer.MAX_VALUE, true).slice()));

        assertThat(end).isEqualTo(5);
        assertThat(follower.logEndOffset()).isEqualTo(5);
        MemoryRecords copied = read(follower.read(0, Integer.MAX_VALUE, true).slice());
        assertThat(baseOffsets(copied)).containsExactly(0L, 2L);
        List<Integer> epochs = new ArrayList<>();
        copied.batches().forEach(b -> epochs.add(b.partitionLeaderEpoch()));
        assertThat(epochs).containsExactly(4, 5);
        assertThat(follower.activeProducers()).singleElement()
                .satisfies(p -> assertThat(p.lastSequence()).isEqualTo(2));
    }

    @Test
    void batchesAlreadyPresentAreSkippedAndAGapIsRejected() {
        Log leader = log("leader-0");
        leader.append(batch(NOW, "a", "b"), 1);
        leader.append(batch(NOW, "c"), 1);
        Log follower = log("follower-0");
        MemoryRecords all = read(leader.read(0, Integer.MAX_VALUE, true).slice());
        follower.appendAsFollower(all);
        assertThat(follower.appendAsFollower(all)).isEqualTo(3);

        Log behind = log("behind-0");
        MemoryRecords fromTwo = read(leader.read(2, Integer.MAX_VALUE, true).slice());
        assertThatThrownBy(() -> behind.appendAsFollower(fromTwo)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(behind.logEndOffset()).isZero();
    }

    @Test
    void aCorruptBatchIsRejected() {
        Log leader = log("leader-0");
        leader.append(batch(NOW, "a", "b"), 1);
        MemoryRecords records = read(leader.read(0, Integer.MAX_VALUE, true).slice());
        int last = records.sizeInBytes() - 1;
        records.buffer().put(last, (byte) (records.buffer().get(last) ^ 0x1));
        Log follower = log("follower-0");
        assertThatThrownBy(() -> follower.appendAsFollower(records)).isInstanceOf(CorruptRecordException.class);
        assertThat(follower.logEndOffset()).isZero();
    }

    @Test
    void aReadWithAMaximumOffsetReturnsOnlyBatchesBelowIt() {
        Log leader = log("leader-0");
        leader.append(batch(NOW, "a", "b"), 1);
        leader.append(batch(NOW, "c"), 1);
        leader.append(batch(NOW, "d"), 1);
        assertThat(baseOffsets(read(leader.read(0, Integer.MAX_VALUE, true, 3).slice()))).containsExactly(0L, 2L);
        assertThat(leader.read(3, Integer.MAX_VALUE, true, 3).slice().size()).isZero();
        assertThat(leader.read(0, Integer.MAX_VALUE, true, 3).logEndOffset()).isEqualTo(4);
    }
}
