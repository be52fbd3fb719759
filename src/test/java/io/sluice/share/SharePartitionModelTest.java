package io.sluice.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.sluice.testing.ManualTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives a share-partition with random fetches, acknowledgements, clock moves, expiries and departures, and checks
 * it against a model that keeps one state per offset: no record is ever held by two members, every answer and
 * dead-letter report is the model's, and in the end every record of the log was acknowledged or archived.
 */
class SharePartitionModelTest {
    private static final int LOG_END = 3_000;
    private static final int LOCK_MS = 100;
    private static final int DELIVERY_LIMIT = 3;
    private static final int MAX_LOCKS = 25;
    private static final int STEPS = 3_000;
    private static final List<String> MEMBERS = List.of("m0", "m1", "m2", "m3");

    private Random random;
    private final ManualTime time = new ManualTime(0);
    private final List<DeadLetterRecords> reported = new ArrayList<>();
    private SharePartition partition;
    private Log log;
    private Model model;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42})
    void everyRecordIsDeliveredUntilDoneAndNeverHeldTwice(long seed) {
        random = new Random(seed);
        log = Log.random(random);
        model = new Model(log);
        partition = SharePartition.startingAt(0, new SharePartitionConfig(LOCK_MS, DELIVERY_LIMIT, MAX_LOCKS),
                time::milliseconds, reported::add);

        for (int step = 0; step < STEPS; step++) {
            model.takeReleased();
            int dice = random.nextInt(100);
            if (dice < 40) {
                fetch(MEMBERS.get(random.nextInt(MEMBERS.size())), 1 + random.nextInt(15),
                        random.nextBoolean() ? AcquireMode.BATCH_OPTIMIZED : AcquireMode.RECORD_LIMIT);
            } else if (dice < 75) {
                acknowledge(MEMBERS.get(random.nextInt(MEMBERS.size())));
            } else if (dice < 90) {
                time.advance(1 + random.nextInt(60));
            } else if (dice < 95) {
                model.expire(time.milliseconds());
                assertThat(partition.expireLocks()).isEqualTo(model.takeReleased());
            } else if (dice < 97) {
                restart();
            } else {
                String member = MEMBERS.get(random.nextInt(MEMBERS.size()));
                model.expire(time.milliseconds());
                model.takeReleased();
                model.releaseAll(member);
                assertThat(partition.releaseAll(member)).isEqualTo(model.takeReleased());
            }
            checkAgainstModel();
        }

        drain();
        for (int offset = 0; offset < LOG_END; offset++) {
            assertThat(model.isFinal(offset)).as("offset %d", offset).isTrue();
            if (!log.isAbsent(offset)) {
                assertThat(model.count[offset]).as("deliveries of offset %d", offset).isPositive();
            }
        }
        assertThat(partition.startOffset()).isEqualTo(LOG_END);
        assertThat(partition.inFlight()).isEmpty();
        assertThat(model.deadLettered).as("dead-lettered offsets").isEqualTo(model.reachedLimit());
    }

    private void fetch(String member, int maxRecords, AcquireMode mode) {
        model.expire(time.milliseconds());
        long fetchOffset = partition.nextFetchOffset();
        List<FetchedBatch> read = log.read(fetchOffset, 1 + random.nextInt(6));
        long lockBudget = MAX_LOCKS - model.heldCount();
        List<Long> eligible = new ArrayList<>();
        for (FetchedBatch batch : read) {
            for (long offset = batch.baseOffset(); offset <= batch.lastOffset(); offset++) {
                if (model.state[(int) offset] == DeliveryState.AVAILABLE) {
                    eligible.add(offset);
                }
            }
        }

        List<AcquiredRecords> acquired = partition.acquire(member, read, maxRecords, mode);

        List<Long> offsets = new ArrayList<>();
        for (AcquiredRecords records : acquired) {
            for (long offset = records.firstOffset(); offset <= records.lastOffset(); offset++) {
                int o = (int) offset;
                assertThat(model.state[o]).as("state of acquired offset %d", offset)
                        .isEqualTo(DeliveryState.AVAILABLE);
                assertThat(log.isAbsent(o)).as("offset %d is absent from the log", offset).isFalse();
                assertThat(records.deliveryCount()).as("delivery count of %d", offset).isEqualTo(model.count[o] + 1);
                model.acquire(o, member, time.milliseconds() + LOCK_MS);
                offsets.add(offset);
            }
        }
        assertThat(offsets).isSorted().isSubsetOf(eligible);
        long floor = Math.min(Math.min(maxRecords, lockBudget), eligible.size());
        if (floor > 0) {
            assertThat(offsets.get(0)).as("lowest offset first").isEqualTo(eligible.get(0));
        }
        assertThat((long) offsets.size()).isLessThanOrEqualTo(Math.max(lockBudget, 0));
        if (mode == AcquireMode.RECORD_LIMIT) {
            assertThat((long) offsets.size()).isEqualTo(Math.max(floor, 0));
        } else {
            assertThat((long) offsets.size()).isGreaterThanOrEqualTo(Math.max(floor, 0));
            if (!offsets.isEmpty()) {
                FetchedBatch lastBatch = log.batchOf(offsets.get(offsets.size() - 1));
                long beforeLastBatch = offsets.stream().filter(o -> o < lastBatch.baseOffset()).count();
                assertThat(beforeLastBatch).as("only the last batch goes past the maximum").isLessThan(maxRecords);
            }
        }
    }

    /** The state goes through its persisted form, as when the partition moves to another broker. */
    private void restart() {
        ShareStateSnapshot snapshot = partition.snapshot();
        assertThat(snapshot.stateBatches()).extracting(ShareStateSnapshot.StateBatch::deliveryState)
                .doesNotContain(DeliveryState.ACQUIRED);
        partition = SharePartition.restore(snapshot, partition.config(), time::milliseconds, reported::add);
        model.restart();
    }

    private void acknowledge(String member) {
        long now = time.milliseconds();
        model.expire(now);
        List<AcknowledgementBatch> batches = new ArrayList<>();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            batches.add(randomAcknowledgement(member));
        }
        List<Errors> expected = new ArrayList<>();
        for (AcknowledgementBatch batch : batches) {
            expected.add(model.acknowledge(member, batch, now + LOCK_MS));
        }

        assertThat(partition.acknowledge(member, batches)).as("answers to %s", batches).isEqualTo(expected);
    }

    private AcknowledgementBatch randomAcknowledgement(String member) {
        List<Integer> held = model.heldBy(member);
        int first;
        int last;
        if (held.isEmpty() || random.nextInt(100) < 15) {
            first = random.nextInt(LOG_END);
            last = Math.min(LOG_END - 1, first + random.nextInt(5));
        } else {
            first = held.get(random.nextInt(held.size()));
            last = first;
            int length = random.nextInt(12);
            while (length-- > 0 && last + 1 < LOG_END && member.equals(model.holder[last + 1])) {
                last++;
            }
        }
        if (random.nextBoolean()) {
            return AcknowledgementBatch.of(first, last, randomType());
        }
        List<AcknowledgeType> types = new ArrayList<>();
        for (int offset = first; offset <= last; offset++) {
            types.add(randomType());
        }
        return new AcknowledgementBatch(first, last, types);
    }

    private AcknowledgeType randomType() {
        int dice = random.nextInt(100);
        return dice < 45 ? AcknowledgeType.ACCEPT
                : dice < 75 ? AcknowledgeType.RELEASE
                : dice < 85 ? AcknowledgeType.REJECT
                : AcknowledgeType.RENEW;
    }

    /** Every lock passes, then one member takes and accepts everything left. */
    private void drain() {
        time.advance(10 * LOCK_MS);
        for (int round = 0; partition.startOffset() < LOG_END; round++) {
            if (round > 10 * LOG_END) {
                fail("no progress at start offset %d: %s", partition.startOffset(), partition.inFlight());
            }
            fetch("drainer", 50, AcquireMode.BATCH_OPTIMIZED);
            checkAgainstModel();
            for (int offset : model.heldBy("drainer")) {
                AcknowledgementBatch batch = AcknowledgementBatch.of(offset, offset, AcknowledgeType.ACCEPT);
                assertThat(model.acknowledge("drainer", batch, 0)).isEqualTo(Errors.NONE);
                assertThat(partition.acknowledge("drainer", List.of(batch))).containsExactly(Errors.NONE);
            }
            checkAgainstModel();
        }
    }

    private void checkAgainstModel() {
        assertThat(flatten(reported)).as("dead letters reported").isEqualTo(model.takeDeadLetters());
        reported.clear();

        long end = partition.endOffset();
        long start = partition.startOffset();
        assertThat(start).isEqualTo(model.startOffset(end));
        assertThat(partition.acquiredRecordCount()).isEqualTo(model.heldCount());
        assertThat(partition.nextFetchOffset()).isEqualTo(model.nextFetchOffset(end));
        assertThat(partition.nextLockDeadlineMs()).isEqualTo(model.nextDeadline());
        for (int offset = 0; offset < LOG_END; offset++) {
            if (offset >= end) {
                assertThat(model.count[offset]).as("never delivered past the end offset: %d", offset).isZero();
            } else if (!log.isAbsent(offset)) {
                assertThat(model.count[offset]).as("delivered before the end offset: %d", offset).isPositive();
            }
        }

        long expectedFirst = start;
        InFlightRange previous = null;
        for (InFlightRange range : partition.inFlight()) {
            assertThat(range.first()).as("window is contiguous").isEqualTo(expectedFirst);
            assertThat(previous == null || !previous.joinsWith(range)).as("%s and %s not joined", previous, range)
                    .isTrue();
            for (long offset = range.first(); offset <= range.last(); offset++) {
                int o = (int) offset;
                DeliveryState expectedState = log.isAbsent(o) ? DeliveryState.ARCHIVED : model.state[o];
                assertThat(range.state()).as("state of %d", offset).isEqualTo(expectedState);
                assertThat(range.deliveryCount()).as("count of %d", offset).isEqualTo(model.count[o]);
                if (range.lock() != null) {
                    assertThat(range.lock().memberId()).as("holder of %d", offset).isEqualTo(model.holder[o]);
                    assertThat(range.lock().deadlineMs()).as("deadline of %d", offset).isEqualTo(model.deadline[o]);
                }
            }
            expectedFirst = range.last() + 1;
            previous = range;
        }
        assertThat(expectedFirst).isEqualTo(end);
    }

    private static Map<Long, Integer> flatten(List<DeadLetterRecords> deadLetters) {
        Map<Long, Integer> offsets = new TreeMap<>();
        for (DeadLetterRecords records : deadLetters) {
            for (long offset = records.firstOffset(); offset <= records.lastOffset(); offset++) {
                assertThat(offsets.put(offset, records.deliveryCount())).as("reported twice: %d", offset).isNull();
            }
        }
        return offsets;
    }

    /** A log of random batches; some offsets between batches are absent, as compaction leaves them. */
    private record Log(List<FetchedBatch> batches, boolean[] absent) {
        static Log random(Random random) {
            List<FetchedBatch> batches = new ArrayList<>();
            boolean[] absent = new boolean[LOG_END];
            long next = 0;
            while (next < LOG_END) {
                if (next > 0 && random.nextInt(100) < 15) {
                    long gapEnd = Math.min(next + 1 + random.nextInt(3), LOG_END - 1);
                    for (long offset = next; offset < gapEnd; offset++) {
                        absent[(int) offset] = true;
                    }
                    next = gapEnd;
                }
                long last = Math.min(next + random.nextInt(8), LOG_END - 1);
                batches.add(new FetchedBatch(next, last));
                next = last + 1;
            }
            return new Log(batches, absent);
        }

        boolean isAbsent(int offset) {
            return absent[offset];
        }

        /** As a log read from {@code offset} returns it: from the batch holding it or the next one. */
        List<FetchedBatch> read(long offset, int maxBatches) {
            List<FetchedBatch> read = new ArrayList<>();
            for (FetchedBatch batch : batches) {
                if (batch.lastOffset() >= offset && read.size() < maxBatches) {
                    read.add(batch);
                }
            }
            return read;
        }

        FetchedBatch batchOf(long offset) {
            return batches.stream().filter(b -> b.baseOffset() <= offset && offset <= b.lastOffset()).findFirst()
                    .orElseThrow();
        }
    }

    /** One state per offset, as the share-partition must behave; absent offsets are done from the start. */
    private static final class Model {
        final DeliveryState[] state = new DeliveryState[LOG_END];
        final int[] count = new int[LOG_END];
        final String[] holder = new String[LOG_END];
        final long[] deadline = new long[LOG_END];
        final Map<Long, Integer> deadLettered = new TreeMap<>();
        private final boolean[] absent;
        private final boolean[] rejected = new boolean[LOG_END];
        private final Map<Long, Integer> deadLettersOfStep = new TreeMap<>();
        private long released;

        Model(Log log) {
            absent = log.absent();
            for (int offset = 0; offset < LOG_END; offset++) {
                state[offset] = log.isAbsent(offset) ? DeliveryState.ARCHIVED : DeliveryState.AVAILABLE;
            }
        }

        boolean isFinal(int offset) {
            return state[offset].isFinal();
        }

        void acquire(int offset, String member, long deadlineMs) {
            state[offset] = DeliveryState.ACQUIRED;
            count[offset]++;
            holder[offset] = member;
            deadline[offset] = deadlineMs;
        }

        void expire(long nowMs) {
            for (int offset = 0; offset < LOG_END; offset++) {
                if (state[offset] == DeliveryState.ACQUIRED && deadline[offset] <= nowMs) {
                    release(offset);
                }
            }
        }

        /** Locks are lost: what was held is redelivered, or archived if that was its last delivery. */
        void restart() {
            for (int offset = 0; offset < LOG_END; offset++) {
                if (state[offset] == DeliveryState.ACQUIRED) {
                    release(offset);
                }
            }
        }

        void releaseAll(String member) {
            for (int offset : heldBy(member)) {
                release(offset);
            }
        }

        Errors acknowledge(String member, AcknowledgementBatch batch, long renewedDeadline) {
            if (!batch.isWellFormed()) {
                return Errors.INVALID_REQUEST;
            }
            for (long offset = batch.firstOffset(); offset <= batch.lastOffset(); offset++) {
                if (state[(int) offset] != DeliveryState.ACQUIRED || !member.equals(holder[(int) offset])) {
                    return Errors.INVALID_RECORD_STATE;
                }
            }
            for (long offset = batch.firstOffset(); offset <= batch.lastOffset(); offset++) {
                int o = (int) offset;
                switch (batch.typeAt(offset)) {
                    case ACCEPT -> finish(o, DeliveryState.ACKNOWLEDGED);
                    case REJECT -> {
                        finish(o, DeliveryState.ARCHIVED);
                        rejected[o] = true;
                    }
                    case RELEASE -> release(o);
                    case RENEW -> deadline[o] = renewedDeadline;
                }
            }
            return Errors.NONE;
        }

        private void release(int offset) {
            released++;
            if (count[offset] >= DELIVERY_LIMIT) {
                finish(offset, DeliveryState.ARCHIVED);
                deadLettersOfStep.put((long) offset, count[offset]);
                deadLettered.put((long) offset, count[offset]);
            } else {
                state[offset] = DeliveryState.AVAILABLE;
                holder[offset] = null;
            }
        }

        private void finish(int offset, DeliveryState finalState) {
            state[offset] = finalState;
            holder[offset] = null;
        }

        long takeReleased() {
            long taken = released;
            released = 0;
            return taken;
        }

        Map<Long, Integer> takeDeadLetters() {
            Map<Long, Integer> taken = new TreeMap<>(deadLettersOfStep);
            deadLettersOfStep.clear();
            return taken;
        }

        List<Integer> heldBy(String member) {
            List<Integer> held = new ArrayList<>();
            for (int offset = 0; offset < LOG_END; offset++) {
                if (state[offset] == DeliveryState.ACQUIRED && member.equals(holder[offset])) {
                    held.add(offset);
                }
            }
            return held;
        }

        long heldCount() {
            long held = 0;
            for (DeliveryState s : state) {
                held += s == DeliveryState.ACQUIRED ? 1 : 0;
            }
            return held;
        }

        long startOffset(long endOffset) {
            for (int offset = 0; offset < endOffset; offset++) {
                if (!isFinal(offset)) {
                    return offset;
                }
            }
            return endOffset;
        }

        long nextFetchOffset(long endOffset) {
            for (int offset = 0; offset < endOffset; offset++) {
                if (state[offset] == DeliveryState.AVAILABLE) {
                    return offset;
                }
            }
            return endOffset;
        }

        OptionalLong nextDeadline() {
            return java.util.stream.IntStream.range(0, LOG_END)
                    .filter(offset -> state[offset] == DeliveryState.ACQUIRED)
                    .mapToLong(offset -> deadline[offset])
                    .min();
        }

        /** Archived records of the log that no member rejected: they used up their deliveries. */
        Map<Long, Integer> reachedLimit() {
            Map<Long, Integer> exhausted = new TreeMap<>();
            for (int offset = 0; offset < LOG_END; offset++) {
                if (state[offset] == DeliveryState.ARCHIVED && !absent[offset] && !rejected[offset]) {
                    exhausted.put((long) offset, DELIVERY_LIMIT);
                }
            }
            return exhausted;
        }
    }
}
