package io.sluice.log;

import static io.sluice.log.LogTestSupport.NOW;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.idempotent;
import static io.sluice.log.LogTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.testing.ManualTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transactional batches and markers in one log: the last stable offset, the aborted index and their recovery. */
class LogTransactionsTest {
    static final long PID = 7L;
    static final long OTHER = 8L;
    @TempDir
    Path root;
    final ManualTime time = new ManualTime(NOW);
    final LogTestSupport.ManualScheduler scheduler = new LogTestSupport.ManualScheduler();

    private Log open(boolean clean) {
        return Log.open(root.resolve("t-0"), config(Map.of()), 0L, clean, time, scheduler);
    }

    static MemoryRecords transactional(long producerId, short epoch, int firstSeq, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(NOW, values[i].getBytes());
        }
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, firstSeq, records);
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetUntilItsMarker() {
        Log log = open(true);
        log.append(batch(NOW, "plain"), 0);
        log.append(transactional(PID, (short) 0, 0, "t1", "t2"), 0);
        log.append(batch(NOW, "after"), 0);

        assertThat(log.lastStableOffset(log.logEndOffset())).isEqualTo(1);
        assertThat(log.lastStableOffset(1)).isEqualTo(1);
        assertThat(log.lastStableOffset(0)).isEqualTo(0);

        LogAppendInfo marker = log.appendTxnMarker(PID, (short) 0, 3, true, 0);
        assertThat(marker.firstOffset()).isEqualTo(4);
        // Until the high watermark passes the marker, the transaction is not decided for consumers.
        assertThat(log.lastStableOffset(4)).isEqualTo(1);
        assertThat(log.lastStableOffset(5)).isEqualTo(5);
        assertThat(log.abortedTransactions(0, 5)).isEmpty();
        log.close();
    }

    @Test
    void anAbortIsIndexedAndListedForTheRangesItMeets() throws Exception {
        Log log = open(true);
        log.append(transactional(PID, (short) 0, 0, "a1", "a2"), 0);
        log.append(transactional(OTHER, (short) 0, 0, "c1"), 0);
        log.appendTxnMarker(PID, (short) 0, 0, false, 0);
        log.appendTxnMarker(OTHER, (short) 0, 0, true, 0);

        assertThat(log.abortedTransactions(0, 5)).singleElement().satisfies(txn -> {
            assertThat(txn.producerId()).isEqualTo(PID);
            assertThat(txn.firstOffset()).isEqualTo(0);
            assertThat(txn.lastOffset()).isEqualTo(3);
        });
        assertThat(log.abortedTransactions(4, 5)).isEmpty();
        assertThat(log.lastStableOffset(5)).isEqualTo(5);
        assertThat(readAll(log, 0)).hasSize(5);
        log.close();
        assertThat(Files.size(root.resolve("t-0").resolve(LogSegment.fileName(0, TransactionIndex.SUFFIX))))
                .isEqualTo(TransactionIndex.ENTRY_SIZE);
    }

    @Test
    void aNonTransactionalWriteDuringAnOpenTransactionIsRefused() {
        Log log = open(true);
        log.append(transactional(PID, (short) 0, 0, "t"), 0);
        assertThatThrownBy(() -> log.append(idempotent(PID, (short) 0, 1, NOW, "x"), 0))
                .isInstanceOf(InvalidTxnStateException.class);
        log.close();
    }

    @Test
    void aTransactionOpensOnlyUnderTheGuardItWasVerifiedWith() {
        Log log = open(true);
        VerificationGuard guard = log.verificationGuard(PID, (short) 0, false);
        assertThat(guard).isNotSameAs(VerificationGuard.TRANSACTION_OPEN);
        assertThatThrownBy(() -> log.append(transactional(PID, (short) 0, 0, "x"), 0, AppendOrigin.CLIENT,
                new VerificationGuard((short) 0, false))).isInstanceOf(InvalidTxnStateException.class);
        assertThatThrownBy(() -> log.append(transactional(PID, (short) 0, 0, "x"), 0, AppendOrigin.CLIENT,
                VerificationGuard.TRANSACTION_OPEN)).isInstanceOf(InvalidTxnStateException.class);

        log.append(transactional(PID, (short) 0, 0, "first"), 0, AppendOrigin.CLIENT, guard);
        assertThat(log.verificationGuard(PID, (short) 0, false)).isSameAs(VerificationGuard.TRANSACTION_OPEN);
        log.append(transactional(PID, (short) 0, 1, "second"), 0, AppendOrigin.CLIENT,
                VerificationGuard.TRANSACTION_OPEN);

        // A guard taken before the transaction ended is worthless after its marker.
        log.appendTxnMarker(PID, (short) 0, 0, true, 0);
        VerificationGuard beforeMarker = log.verificationGuard(PID, (short) 0, false);
        log.appendTxnMarker(PID, (short) 0, 0, false, 0);
        assertThatThrownBy(() -> log.append(transactional(PID, (short) 0, 2, "late"), 0, AppendOrigin.CLIENT,
                beforeMarker)).isInstanceOf(InvalidTxnStateException.class);
        log.close();
    }

    @Test
    void theNextEpochsTransactionWaitsForTheOpenOnesMarker() {
        // Transactions version 2: epoch 1's transaction is open here, its marker (epoch 2) not written yet.
        Log log = open(true);
        VerificationGuard guard = log.verificationGuard(PID, (short) 1, true);
        log.append(transactional(PID, (short) 1, 0, "t1"), 0, AppendOrigin.CLIENT, guard);
        assertThat(log.verificationGuard(PID, (short) 1, true)).isSameAs(VerificationGuard.TRANSACTION_OPEN);

        VerificationGuard next = log.verificationGuard(PID, (short) 2, true);
        assertThat(next).isNotSameAs(VerificationGuard.TRANSACTION_OPEN);
        assertThatThrownBy(() -> log.append(transactional(PID, (short) 2, 0, "t2"), 0, AppendOrigin.CLIENT, next))
                .isInstanceOf(InvalidTxnStateException.class);

        log.appendTxnMarker(PID, (short) 2, 0, true, 0);
        VerificationGuard afterMarker = log.verificationGuard(PID, (short) 2, true);
        log.append(transactional(PID, (short) 2, 0, "t2"), 0, AppendOrigin.CLIENT, afterMarker);
        assertThat(log.abortedTransactions(0, log.logEndOffset())).isEmpty();
        assertThat(log.lastStableOffset(log.logEndOffset())).isEqualTo(2);
        log.close();
    }

    @Test
    void theVersion2MarkerOfThePreviousTransactionKeepsTheNextOnesGuard() {
        // The next transaction's first batch arrives while the previous one's marker (written with the bumped epoch
        // the next transaction uses) is still on its way: verification waits for the marker, and must then pass.
        Log log = open(true);
        log.append(transactional(PID, (short) 1, 0, "t1"), 0, AppendOrigin.CLIENT,
                log.verificationGuard(PID, (short) 1, true));
        VerificationGuard next = log.verificationGuard(PID, (short) 2, true);
        log.appendTxnMarker(PID, (short) 2, 0, true, 0);
        log.append(transactional(PID, (short) 2, 0, "t2"), 0, AppendOrigin.CLIENT, next);
        assertThat(log.lastStableOffset(log.logEndOffset())).isEqualTo(2);

        // The transaction being verified itself ended (its marker has the next epoch): the late batch is refused.
        log.appendTxnMarker(PID, (short) 3, 0, false, 0);
        VerificationGuard ended = log.verificationGuard(PID, (short) 3, true);
        log.appendTxnMarker(PID, (short) 4, 0, false, 0);
        assertThatThrownBy(() -> log.append(transactional(PID, (short) 3, 0, "late"), 0, AppendOrigin.CLIENT, ended))
                .isInstanceOf(InvalidProducerEpochException.class);
        log.close();
    }

    @Test
    void markersFromOlderProducerEpochsOrCoordinatorsAreFenced() {
        Log log = open(true);
        log.append(transactional(PID, (short) 2, 0, "t"), 0);
        log.appendTxnMarker(PID, (short) 3, 5, false, 0);
        assertThatThrownBy(() -> log.appendTxnMarker(PID, (short) 2, 5, false, 0))
                .isInstanceOf(InvalidProducerEpochException.class);
        assertThatThrownBy(() -> log.appendTxnMarker(PID, (short) 3, 4, false, 0))
                .isInstanceOf(TransactionCoordinatorFencedException.class);
        // A marker with a bumped epoch (fencing) lets the producer start over at sequence 0.
        log.append(transactional(PID, (short) 3, 0, "again"), 0);
        log.close();
    }

    @Test
    void openTransactionsAndAbortsSurviveACleanRestartAndACrash() {
        Log log = open(true);
        log.append(transactional(PID, (short) 0, 0, "aborted"), 0);
        log.appendTxnMarker(PID, (short) 0, 0, false, 0);
        log.append(transactional(OTHER, (short) 0, 0, "open"), 0);
        log.close();

        Log clean = open(true);
        assertThat(clean.recoveryRan()).isFalse();
        assertThat(clean.lastStableOffset(clean.logEndOffset())).isEqualTo(2);
        assertThat(clean.abortedTransactions(0, 3)).extracting(AbortedTxn::producerId).containsExactly(PID);
        assertThat(clean.activeProducers()).filteredOn(p -> p.producerId() == OTHER).singleElement()
                .satisfies(p -> assertThat(p.currentTxnStartOffset()).isEqualTo(2));
        clean.flush();
        // Simulates kill -9: no close, so no snapshot; the next open recovers from the segments.

        Log crashed = open(false);
        assertThat(crashed.recoveryRan()).isTrue();
        assertThat(crashed.lastStableOffset(crashed.logEndOffset())).isEqualTo(2);
        assertThat(crashed.abortedTransactions(0, 3)).extracting(AbortedTxn::producerId).containsExactly(PID);
        crashed.appendTxnMarker(OTHER, (short) 0, 0, true, 0);
        assertThat(crashed.lastStableOffset(crashed.logEndOffset())).isEqualTo(crashed.logEndOffset());
        crashed.close();
    }

    @Test
    void aCrashReplaysOnlyTheSegmentsAfterTheNewestProducerSnapshot() throws Exception {
        Map<String, String> small = Map.of(LogConfig.SEGMENT_BYTES, "16384");
        Path logDir = root.resolve("snapshots-0");
        Log log = Log.open(logDir, config(small), 0L, true, time, scheduler);
        int batches = 0;
        for (int i = 0; i < 6000; i++) {
            long producer = 100 + i % 50;
            log.append(transactional(producer, (short) 0, i / 50, "v" + i), 0);
            batches++;
            if (i % 50 == 49) {
                for (long p = 100; p < 150; p++) {
                    log.appendTxnMarker(p, (short) 0, 0, p % 2 == 0, 0);
                    batches++;
                }
            }
        }
        log.append(transactional(7, (short) 0, 0, "left open"), 0);
        batches++;
        log.flush();
        long recoveryPoint = log.recoveryPoint();
        List<AbortedTxn> aborted = log.abortedTransactions(0, log.logEndOffset());
        long lso = log.lastStableOffset(log.logEndOffset());
        int segments = log.numberOfSegments();
        // kill -9: no close, so no snapshot at the end, only those of the rolls.

        long start = System.nanoTime();
        Log withSnapshot = Log.open(logDir, config(small), recoveryPoint, false, time, scheduler);
        long withSnapshotMicros = (System.nanoTime() - start) / 1000;
        assertThat(withSnapshot.producerBatchesReplayed()).isLessThan(batches / 4);
        assertThat(withSnapshot.lastStableOffset(withSnapshot.logEndOffset())).isEqualTo(lso);
        assertThat(withSnapshot.abortedTransactions(0, withSnapshot.logEndOffset())).isEqualTo(aborted);
        List<ProducerInfo> producers = withSnapshot.activeProducers();
        withSnapshot.flush();

        try (java.util.stream.Stream<Path> files = Files.list(logDir)) {
            files.filter(f -> f.toString().endsWith(ProducerStateManager.SNAPSHOT_SUFFIX)).forEach(f -> f.toFile().delete());
        }
        start = System.nanoTime();
        Log withoutSnapshot = Log.open(logDir, config(small), recoveryPoint, false, time, scheduler);
        long withoutSnapshotMicros = (System.nanoTime() - start) / 1000;
        assertThat(withoutSnapshot.producerBatchesReplayed()).isEqualTo(batches);
        assertThat(withoutSnapshot.lastStableOffset(withoutSnapshot.logEndOffset())).isEqualTo(lso);
        assertThat(withoutSnapshot.activeProducers()).containsExactlyInAnyOrderElementsOf(producers);
        System.out.printf("Crash recovery of %d batches in %d segments: %d batches replayed in %d us with producer "
                        + "snapshots, %d in %d us without%n", batches, segments, withSnapshot.producerBatchesReplayed(),
                withSnapshotMicros, withoutSnapshot.producerBatchesReplayed(), withoutSnapshotMicros);
        withoutSnapshot.close();
    }

    @Test
    void deleteRecordsPastAnOpenTransactionsStartMovesTheLastStableOffsetWithTheLogStart() {
        Log log = open(true);
        log.append(idempotent(OTHER, (short) 0, 0, NOW, "plain"), 0);
        log.append(transactional(PID, (short) 0, 0, "open"), 0);
        log.append(batch(NOW, "later"), 0);
        assertThat(log.lastStableOffset(3)).isEqualTo(1);

        log.deleteRecordsBefore(2);

        assertThat(log.lastStableOffset(3)).isEqualTo(2);
        // The idempotent producer's batches are gone and so is its state; the open transaction's producer stays.
        assertThat(log.activeProducers()).extracting(ProducerInfo::producerId).containsExactly(PID);
        log.close();
    }

    @Test
    void truncatingAMarkerAwayReopensItsTransactionAndDropsItsIndexEntry() {
        Log log = open(true);
        log.append(transactional(PID, (short) 0, 0, "t1", "t2"), 0);
        log.appendTxnMarker(PID, (short) 0, 0, false, 0);
        assertThat(log.abortedTransactions(0, 3)).hasSize(1);

        log.truncateTo(2);

        assertThat(log.abortedTransactions(0, 3)).isEmpty();
        assertThat(log.lastStableOffset(2)).isEqualTo(0);
        log.close();
    }

    @Test
    void compactionDropsAbortedRecordsKeepsMarkersAndStopsAtAnOpenTransaction() throws Exception {
        Log log = Log.open(root.resolve("compacted-0"), config(Map.of(LogConfig.CLEANUP_POLICY, "compact",
                LogConfig.SEGMENT_BYTES, "400")), 0L, true, time, scheduler);
        log.append(CompactionTestSupport.keyed("k", "committed"), 0);
        log.append(keyedTransactional(PID, "k", "aborted"), 0);
        log.appendTxnMarker(PID, (short) 0, 0, false, 0);
        for (int i = 0; i < 10; i++) {
            log.append(CompactionTestSupport.keyed("filler-" + i, "x"), 0);
        }
        long openAt = log.logEndOffset();
        log.append(keyedTransactional(OTHER, "k", "open"), 0);
        for (int i = 0; i < 10; i++) {
            log.append(CompactionTestSupport.keyed("more-" + i, "y"), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(3);

        log.compact(NOW);

        List<String> values = CompactionTestSupport.describe(log, 0);
        // The aborted value neither survives nor hides the committed one; the open transaction's segment waits.
        assertThat(values).anyMatch(line -> line.contains("k=committed"));
        assertThat(values).noneMatch(line -> line.contains("aborted"));
        assertThat(values).anyMatch(line -> line.contains("k=open"));
        assertThat(log.abortedTransactions(0, openAt)).extracting(AbortedTxn::producerId).containsExactly(PID);
        assertThat(log.lastStableOffset(log.logEndOffset())).isEqualTo(openAt);
        log.close();
        Log reopened = Log.open(root.resolve("compacted-0"), config(Map.of(LogConfig.CLEANUP_POLICY, "compact",
                LogConfig.SEGMENT_BYTES, "400")), 0L, false, time, scheduler);
        assertThat(reopened.abortedTransactions(0, openAt)).extracting(AbortedTxn::producerId).containsExactly(PID);
        assertThat(reopened.lastStableOffset(reopened.logEndOffset())).isEqualTo(openAt);
        reopened.close();
    }

    private static MemoryRecords keyedTransactional(long producerId, String key, String value) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) 0, 0,
                new SimpleRecord(NOW, key.getBytes(), value.getBytes()));
    }

    @Test
    void aFollowerCopyingTheLeadersBatchesKeepsTheSameTransactionState() {
        Log leader = open(true);
        leader.append(transactional(PID, (short) 0, 0, "t1"), 0);
        leader.appendTxnMarker(PID, (short) 0, 1, false, 0);
        leader.append(transactional(OTHER, (short) 0, 0, "open"), 0);
        MemoryRecords copied = LogTestSupport.read(leader.read(0, 1 << 20, true).slice());

        Log follower = Log.open(root.resolve("f-0"), config(Map.of()), 0L, true, time, scheduler);
        follower.appendAsFollower(copied);

        assertThat(follower.lastStableOffset(follower.logEndOffset())).isEqualTo(2);
        assertThat(follower.abortedTransactions(0, 3)).extracting(AbortedTxn::lastOffset).containsExactly(1L);
        leader.close();
        follower.close();
    }
}
