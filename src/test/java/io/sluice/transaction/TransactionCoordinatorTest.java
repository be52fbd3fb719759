package io.sluice.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.coordinator.CoordinatorOwnership;
import io.sluice.coordinator.PartitionWriter;
import io.sluice.coordinator.TxnMarker;
import io.sluice.it.Poll;
import io.sluice.log.Log;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.partition.Partition;
import io.sluice.testing.ManualTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction coordinator over real __transaction_state logs (replication answers at once) and a marker sender
 * whose partition leader is this node: the state machine as Kafka's clients see it through its answers, fencing,
 * timeouts, id expiry, and a reload that finds a decided transaction and finishes writing its markers.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransactionCoordinatorTest {
    private static final int PARTITIONS = 3;
    private static final int MAX_TIMEOUT_MS = 60_000;
    private static final long EXPIRATION_MS = 3_600_000;
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final String ID = "payments-app";

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(1_700_000_000_000L);
    private final AtomicLong nextProducerId = new AtomicLong(1000);
    private final ConcurrentLinkedQueue<String> markersWritten = new ConcurrentLinkedQueue<>();
    /** While set, no marker write is ever answered (the leaders are unreachable). */
    private volatile boolean markersHeld;
    private final java.util.concurrent.atomic.AtomicInteger heldWrites = new java.util.concurrent.atomic.AtomicInteger();
    private LogManager logs;
    private TransactionCoordinator coordinator;
    private TransactionMarkerSender sender;

    @BeforeEach
    void start() {
        logs = new LogManager(List.of(dir), Map.of(), 300_000, Time.SYSTEM);
        logs.startup();
        coordinator = newCoordinator();
    }

    @AfterEach
    void stop() {
        sender.close();
        logs.shutdown();
    }

    /** A coordinator over the logs, every partition loaded in leader epoch 5, markers written at once. */
    private TransactionCoordinator newCoordinator() {
        CoordinatorOwnership ownership = new CoordinatorOwnership();
        ownership.start(PARTITIONS);
        TransactionCoordinator created = new TransactionCoordinator(PARTITIONS, writer(), ownership,
                () -> CompletableFuture.completedFuture(nextProducerId.getAndIncrement()),
                new TransactionConfig(MAX_TIMEOUT_MS, EXPIRATION_MS, 1000, 1000), time, Runnable::run);
        if (sender != null) {
            sender.close();
        }
        sender = new TransactionMarkerSender(1, TransactionCoordinatorTest::image, (tp, marker) -> {
            if (markersHeld) {
                heldWrites.incrementAndGet();
                return new CompletableFuture<>();
            }
            markersWritten.add(tp + (marker.commit() ? " COMMIT" : " ABORT") + " epoch " + marker.producerEpoch());
            return CompletableFuture.completedFuture(Errors.NONE);
        }, created, Executors.newSingleThreadScheduledExecutor());
        created.setMarkerSender(sender);
        for (int p = 0; p < PARTITIONS; p++) {
            ownership.beginLoad(p, 5);
            created.loadPartition(p, 5);
            ownership.completeLoad(p, 5);
        }
        return created;
    }

    /** The __transaction_state partitions as real logs, with acks=all answered at once (a lone replica). */
    private PartitionWriter writer() {
        return new PartitionWriter() {
            @Override
            public Log leaderLog(TopicPartition tp) {
                return logs.getOrCreate(tp, LogConfig.of(Map.of("cleanup.policy", "compact"), Map.of()));
            }

            @Override
            public Partition.LeaderAppend appendAsLeader(TopicPartition tp, MemoryRecords records, long timeoutMs) {
                return new Partition.LeaderAppend(leaderLog(tp).append(records, 5),
                        CompletableFuture.completedFuture(Errors.NONE));
            }

            @Override
            public Partition.LeaderAppend appendTxnMarker(TopicPartition tp, TxnMarker marker, long timeoutMs) {
                throw new UnsupportedOperationException("the coordinator writes no markers to its own topic");
            }
        };
    }

    /** The data topic, led by this node (1). */
    private static MetadataImage image() {
        TreeMap<Integer, PartitionImage> partitions = new TreeMap<>();
        for (int p = 0; p < 2; p++) {
            partitions.put(p, new PartitionImage(p, List.of(1), List.of(1), 1, 0, 0));
        }
        TopicImage orders = new TopicImage("orders", Uuid.randomUuid(), partitions, Map.of());
        return new MetadataImage(1, "test", Map.of(1, new BrokerImage(1, "localhost", 9092, null, false)),
                Map.of("orders", orders), Map.of(orders.id(), orders), 0);
    }

    private TransactionCoordinator.InitResult init(String id) {
        return coordinator.initProducerId(id, 30_000, -1, (short) -1).join();
    }

    private TransactionState stateOf(String id) {
        TransactionMetadata metadata = coordinator.describe(id);
        return metadata == null ? null : metadata.state();
    }

    private void awaitState(String id, TransactionState state) {
        Poll.until(Duration.ofSeconds(10), () -> stateOf(id) == state, id + " to reach " + state);
    }

    @Test
    void aNewIdGetsEpochZeroAndEachInitBumpsTheEpoch() {
        TransactionCoordinator.InitResult first = init(ID);
        TransactionCoordinator.InitResult second = init(ID);

        assertThat(first.error()).isEqualTo(Errors.NONE);
        assertThat(first.producerEpoch()).isZero();
        assertThat(second.producerId()).isEqualTo(first.producerId());
        assertThat(second.producerEpoch()).isEqualTo((short) 1);
        assertThat(stateOf(ID)).isEqualTo(TransactionState.EMPTY);
    }

    @Test
    void kip360ReinitialisationChecksTheProducersOwnEpoch() {
        TransactionCoordinator.InitResult first = init(ID);
        TransactionCoordinator.InitResult bumped = coordinator.initProducerId(ID, 30_000, first.producerId(),
                first.producerEpoch()).join();
        assertThat(bumped.producerEpoch()).isEqualTo((short) 1);
        // A retry of that bump (same expected epoch) is answered again, not bumped twice.
        TransactionCoordinator.InitResult retried = coordinator.initProducerId(ID, 30_000, first.producerId(),
                first.producerEpoch()).join();
        assertThat(retried).isEqualTo(bumped);
        TransactionCoordinator.InitResult stale = coordinator.initProducerId(ID, 30_000, first.producerId(),
                (short) 7).join();
        assertThat(stale.error()).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aTimeoutAboveTheMaximumIsRefused() {
        assertThat(coordinator.initProducerId(ID, MAX_TIMEOUT_MS + 1, -1, (short) -1).join().error())
                .isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        assertThat(coordinator.initProducerId("", 1000, -1, (short) -1).join().error()).isEqualTo(Errors.INVALID_REQUEST);
    }

    @Test
    void aCommitWritesAMarkerToEveryPartitionThenCompletes() {
        TransactionCoordinator.InitResult producer = init(ID);
        assertThat(coordinator.addPartitions(ID, producer.producerId(), producer.producerEpoch(),
                List.of(ORDERS_0, ORDERS_1)).join()).isEqualTo(Errors.NONE);
        assertThat(stateOf(ID)).isEqualTo(TransactionState.ONGOING);
        assertThat(coordinator.describe(ID).partitions()).containsExactlyInAnyOrder(ORDERS_0, ORDERS_1);

        assertThat(coordinator.endTransaction(ID, producer.producerId(), producer.producerEpoch(), true).join())
                .isEqualTo(Errors.NONE);
        awaitState(ID, TransactionState.COMPLETE_COMMIT);

        assertThat(markersWritten).containsExactlyInAnyOrder("orders-0 COMMIT epoch 0", "orders-1 COMMIT epoch 0");
        assertThat(coordinator.describe(ID).partitions()).isEmpty();
        // A retried EndTxn of the same decision is answered NONE; the other decision is refused.
        assertThat(coordinator.endTransaction(ID, producer.producerId(), producer.producerEpoch(), true).join())
                .isEqualTo(Errors.NONE);
        assertThat(coordinator.endTransaction(ID, producer.producerId(), producer.producerEpoch(), false).join())
                .isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void version2BumpsTheEpochAtTheDecisionAndRecognisesARetry() {
        TransactionCoordinator.InitResult producer = init(ID);
        coordinator.addPartitions(ID, producer.producerId(), producer.producerEpoch(), List.of(ORDERS_0)).join();

        TransactionCoordinator.EndResult ended = coordinator.endTransaction(ID, producer.producerId(),
                producer.producerEpoch(), true, true).join();

        assertThat(ended.error()).isEqualTo(Errors.NONE);
        assertThat(ended.producerId()).isEqualTo(producer.producerId());
        assertThat(ended.producerEpoch()).isEqualTo((short) 1);
        awaitState(ID, TransactionState.COMPLETE_COMMIT);
        // The markers carry the bumped epoch, so a late write of the old epoch is fenced at the partitions.
        assertThat(markersWritten).containsExactly("orders-0 COMMIT epoch 1");
        TransactionCoordinator.EndResult retried = coordinator.endTransaction(ID, producer.producerId(),
                producer.producerEpoch(), true, true).join();
        assertThat(retried).isEqualTo(ended);
        assertThat(coordinator.endTransaction(ID, producer.producerId(), (short) 0, false, true).join().error())
                .isEqualTo(Errors.INVALID_TXN_STATE);
        // The next transaction goes on with the new epoch, its partitions added by the leaders.
        assertThat(coordinator.addPartitions(ID, producer.producerId(), (short) 1, List.of(ORDERS_1)).join())
                .isEqualTo(Errors.NONE);
    }

    @Test
    void version2AbortsATransactionNoPartitionJoined() {
        TransactionCoordinator.InitResult producer = init(ID);
        TransactionCoordinator.EndResult aborted = coordinator.endTransaction(ID, producer.producerId(),
                producer.producerEpoch(), false, true).join();
        assertThat(aborted.error()).isEqualTo(Errors.NONE);
        assertThat(aborted.producerEpoch()).isEqualTo((short) 1);
        awaitState(ID, TransactionState.COMPLETE_ABORT);
        assertThat(markersWritten).isEmpty();
        assertThat(coordinator.endTransaction(ID, producer.producerId(), (short) 1, true, true).join().error())
                .as("nothing to commit").isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void version2HandsOverANewProducerIdWhenTheEpochWouldOverflow() {
        // Many transactions later the epoch is at its last value before a bump overflows; written as a coordinator
        // would have, then loaded.
        short lastEpoch = Short.MAX_VALUE - 1;
        TransactionMetadata exhausted = new TransactionMetadata(ID, 77, lastEpoch, (short) -1, 30_000,
                TransactionState.ONGOING, Set.of(ORDERS_0), time.milliseconds(), time.milliseconds(), -1, -1);
        TopicPartition partition = new TopicPartition(TransactionStateTopic.NAME, coordinator.partitionFor(ID));
        writer().appendAsLeader(partition, MemoryRecords.withRecords(org.apache.kafka.common.compress.Compression.NONE,
                new org.apache.kafka.common.record.SimpleRecord(TransactionLogCodec.encodeKey(ID),
                        TransactionLogCodec.encodeValue(exhausted))), 1000);
        coordinator = newCoordinator();

        TransactionCoordinator.EndResult ended = coordinator.endTransaction(ID, 77, lastEpoch, true, true).join();

        assertThat(ended.error()).isEqualTo(Errors.NONE);
        assertThat(ended.producerId()).isNotEqualTo(77);
        assertThat(ended.producerEpoch()).isZero();
        awaitState(ID, TransactionState.COMPLETE_COMMIT);
        assertThat(markersWritten).containsExactly("orders-0 COMMIT epoch " + Short.MAX_VALUE);
        TransactionMetadata after = coordinator.describe(ID);
        assertThat(after.producerId()).isEqualTo(ended.producerId());
        assertThat(after.previousProducerId()).isEqualTo(77);
        // A retry with the old producer id and epoch gets the same answer.
        assertThat(coordinator.endTransaction(ID, 77, lastEpoch, true, true).join()).isEqualTo(ended);
        // A reload keeps the new producer id (Kafka's tagged NextProducerId and PreviousProducerId fields).
        coordinator = newCoordinator();
        assertThat(coordinator.describe(ID).producerId()).isEqualTo(ended.producerId());
        assertThat(coordinator.addPartitions(ID, ended.producerId(), (short) 0, List.of(ORDERS_1)).join())
                .isEqualTo(Errors.NONE);
    }

    @Test
    void requestsFromAnUnknownOrFencedProducerAreRefused() {
        TransactionCoordinator.InitResult old = init(ID);
        init(ID);
        assertThat(coordinator.addPartitions(ID, old.producerId(), old.producerEpoch(), List.of(ORDERS_0)).join())
                .isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(coordinator.addPartitions(ID, 42, (short) 0, List.of(ORDERS_0)).join())
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(coordinator.addPartitions("unknown", 42, (short) 0, List.of(ORDERS_0)).join())
                .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(coordinator.endTransaction(ID, old.producerId(), (short) 1, true).join())
                .as("no transaction is open").isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void aNewProducerFencesTheOpenTransactionWhichIsAbortedUnderABumpedEpoch() {
        TransactionCoordinator.InitResult zombie = init(ID);
        coordinator.addPartitions(ID, zombie.producerId(), zombie.producerEpoch(), List.of(ORDERS_0)).join();

        assertThat(init(ID).error()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        awaitState(ID, TransactionState.COMPLETE_ABORT);
        assertThat(markersWritten).containsExactly("orders-0 ABORT epoch 1");

        TransactionCoordinator.InitResult successor = init(ID);
        assertThat(successor.error()).isEqualTo(Errors.NONE);
        assertThat(successor.producerEpoch()).isEqualTo((short) 2);
        assertThat(coordinator.endTransaction(ID, zombie.producerId(), zombie.producerEpoch(), true).join())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void verificationAcceptsOnlyPartitionsOfTheOpenTransaction() {
        TransactionCoordinator.InitResult producer = init(ID);
        coordinator.addPartitions(ID, producer.producerId(), producer.producerEpoch(), List.of(ORDERS_0)).join();

        assertThat(coordinator.verifyPartition(ID, producer.producerId(), producer.producerEpoch(), ORDERS_0).join())
                .isEqualTo(Errors.NONE);
        assertThat(coordinator.verifyPartition(ID, producer.producerId(), producer.producerEpoch(), ORDERS_1).join())
                .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(coordinator.verifyPartition(ID, producer.producerId(), (short) 9, ORDERS_0).join())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aTransactionOpenPastItsTimeoutIsAbortedAndItsProducerFenced() {
        TransactionCoordinator.InitResult producer = init(ID);
        coordinator.addPartitions(ID, producer.producerId(), producer.producerEpoch(), List.of(ORDERS_1)).join();

        time.advance(29_000);
        assertThat(coordinator.abortTimedOutTransactions()).isZero();
        time.advance(2_000);
        assertThat(coordinator.abortTimedOutTransactions()).isEqualTo(1);

        awaitState(ID, TransactionState.COMPLETE_ABORT);
        assertThat(markersWritten).containsExactly("orders-1 ABORT epoch 1");
        assertThat(coordinator.endTransaction(ID, producer.producerId(), producer.producerEpoch(), true).join())
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void anIdleIdIsForgottenAfterTheExpiration() {
        init(ID);
        time.advance(EXPIRATION_MS - 1);
        assertThat(coordinator.removeExpiredTransactionalIds()).isZero();
        time.advance(1);
        assertThat(coordinator.removeExpiredTransactionalIds()).isEqualTo(1);
        Poll.until(Duration.ofSeconds(10), () -> coordinator.describe(ID) == null, "the id to be removed");

        // Reloading replays the tombstone: the id stays forgotten, and a new init starts it afresh.
        coordinator = newCoordinator();
        assertThat(coordinator.describe(ID)).isNull();
        assertThat(init(ID).producerEpoch()).isZero();
    }

    @Test
    void aReloadRestoresTheStateAndFinishesADecidedTransaction() {
        TransactionCoordinator.InitResult producer = init(ID);
        coordinator.addPartitions(ID, producer.producerId(), producer.producerEpoch(), List.of(ORDERS_0)).join();
        String other = "inventory-app";
        TransactionCoordinator.InitResult second = init(other);
        coordinator.addPartitions(other, second.producerId(), second.producerEpoch(), List.of(ORDERS_1)).join();
        // Decided, but the coordinator is replaced before any marker is written.
        markersHeld = true;
        coordinator.endTransaction(ID, producer.producerId(), producer.producerEpoch(), true).join();
        assertThat(stateOf(ID)).isEqualTo(TransactionState.PREPARE_COMMIT);
        // The old coordinator's sender is stuck on its write before the leaders come back.
        Poll.until(Duration.ofSeconds(10), () -> heldWrites.get() == 1, "the held marker write");

        markersHeld = false;
        coordinator = newCoordinator();

        awaitState(ID, TransactionState.COMPLETE_COMMIT);
        assertThat(markersWritten).containsExactly("orders-0 COMMIT epoch 0");
        TransactionMetadata reloaded = coordinator.describe(other);
        assertThat(reloaded.state()).isEqualTo(TransactionState.ONGOING);
        assertThat(reloaded.partitions()).isEqualTo(Set.of(ORDERS_1));
        assertThat(reloaded.producerId()).isEqualTo(second.producerId());
        assertThat(reloaded.timeoutMs()).isEqualTo(30_000);
    }
}
