package io.sluice.log;

import io.sluice.testing.ManualTime;
import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.idempotent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateTest {
    static final long PID = 42L;
    @TempDir
    Path root;
    final ManualTime time = new ManualTime(NOW);
    final LogTestSupport.ManualScheduler scheduler = new LogTestSupport.ManualScheduler();

    private Log open(boolean clean) {
        return Log.open(root.resolve("t-0"), config(Map.of()), 0L, clean, time, scheduler);
    }

    @Test
    void aRetriedBatchIsAnsweredWithItsOriginalOffsetsAndNotWrittenAgain() {
        Log log = open(true);
        log.append(batch(NOW, "other"), 0);
        LogAppendInfo first = log.append(idempotent(PID, (short) 0, 0, NOW, "a", "b"), 0);
        log.append(idempotent(PID, (short) 0, 2, NOW, "c"), 0);

        LogAppendInfo retry = log.append(idempotent(PID, (short) 0, 0, NOW, "a", "b"), 0);

        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(first.firstOffset()).isEqualTo(1);
        assertThat(retry.lastOffset()).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(4);
        assertThat(log.activeProducers()).singleElement()
                .satisfies(p -> {
                    assertThat(p.producerId()).isEqualTo(PID);
                    assertThat(p.lastSequence()).isEqualTo(2);
                });
        log.close();
    }

    @Test
    void idleProducersExpireButNotThoseWithAnOpenTransaction() {
        Log log = open(true);
        log.append(idempotent(PID, (short) 0, 0, NOW, "a"), 0);
        log.append(MemoryRecords.withTransactionalRecords(org.apache.kafka.common.compress.Compression.NONE, 99L,
                (short) 0, 0, new org.apache.kafka.common.record.SimpleRecord(NOW, "t".getBytes())), 0);
        time.advance(1000);
        assertThat(log.removeExpiredProducers(1000)).isZero();
        time.advance(1);

        assertThat(log.removeExpiredProducers(1000)).isEqualTo(1);
        assertThat(log.activeProducers()).extracting(ProducerInfo::producerId).containsExactly(99L);
        // Forgotten: its next batch is taken at any sequence, as for a producer seen for the first time.
        assertThat(log.append(idempotent(PID, (short) 0, 7, NOW, "b"), 0).duplicate()).isFalse();
        log.close();
    }

    @Test
    void duplicatesAreStillDetectedAfterACleanRestart() {
        Log log = open(true);
        log.append(idempotent(PID, (short) 3, 0, NOW, "a"), 0);
        log.append(idempotent(PID, (short) 3, 1, NOW, "b", "c"), 0);
        log.close();

        Log reopened = open(true);
        assertThat(reopened.recoveryRan()).isFalse();
        LogAppendInfo retry = reopened.append(idempotent(PID, (short) 3, 1, NOW, "b", "c"), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(1);
        assertThat(reopened.append(idempotent(PID, (short) 3, 3, NOW, "d"), 0).firstOffset()).isEqualTo(3);
        reopened.close();
    }

    @Test
    void duplicatesAreStillDetectedAfterAnUncleanRestartByScanningTheLog() {
        Log log = open(true);
        log.append(idempotent(PID, (short) 0, 0, NOW, "a"), 0);
        log.append(idempotent(PID, (short) 0, 1, NOW, "b"), 0);
        log.close();

        Log reopened = open(false);
        assertThat(reopened.recoveryRan()).isTrue();
        assertThat(reopened.append(idempotent(PID, (short) 0, 1, NOW, "b"), 0).duplicate()).isTrue();
        assertThatThrownBy(() -> reopened.append(idempotent(PID, (short) 0, 5, NOW, "x"), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        reopened.close();
    }

    @Test
    void aSequenceGapIsRejectedAndNothingIsWritten() {
        Log log = open(true);
        log.append(idempotent(PID, (short) 0, 0, NOW, "a"), 0);

        assertThatThrownBy(() -> log.append(idempotent(PID, (short) 0, 2, NOW, "c"), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.logEndOffset()).isEqualTo(1);
        assertThat(log.append(idempotent(PID, (short) 0, 1, NOW, "b"), 0).firstOffset()).isEqualTo(1);
        log.close();
    }

    @Test
    void anUnknownProducerMayStartAtAnySequence() {
        Log log = open(true);
        assertThat(log.append(idempotent(PID, (short) 0, 17, NOW, "a"), 0).duplicate()).isFalse();
        assertThat(log.append(idempotent(PID, (short) 0, 18, NOW, "b"), 0).firstOffset()).isEqualTo(1);
        log.close();
    }

    @Test
    void anOlderEpochIsFencedAndANewerEpochMustStartAtZero() {
        Log log = open(true);
        log.append(idempotent(PID, (short) 5, 0, NOW, "a"), 0);

        assertThatThrownBy(() -> log.append(idempotent(PID, (short) 4, 1, NOW, "b"), 0))
                .isInstanceOf(InvalidProducerEpochException.class);
        assertThatThrownBy(() -> log.append(idempotent(PID, (short) 6, 3, NOW, "b"), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.append(idempotent(PID, (short) 6, 0, NOW, "b"), 0).firstOffset()).isEqualTo(1);
        assertThat(log.activeProducers()).singleElement().satisfies(p -> assertThat(p.producerEpoch()).isEqualTo((short) 6));
        log.close();
    }

    @Test
    void onlyTheLastFiveBatchesAreRemembered() {
        Log log = open(true);
        for (int seq = 0; seq < 6; seq++) {
            log.append(idempotent(PID, (short) 0, seq, NOW, "v" + seq), 0);
        }
        assertThat(log.append(idempotent(PID, (short) 0, 1, NOW, "v1"), 0).duplicate()).isTrue();
        assertThatThrownBy(() -> log.append(idempotent(PID, (short) 0, 0, NOW, "v0"), 0))
                .isInstanceOf(OutOfOrderSequenceException.class);
        log.close();
    }
}
