package io.sluice.transaction;

import io.sluice.coordinator.CoordinatorOwnership;
import io.sluice.coordinator.CoordinatorRuntime;
import io.sluice.coordinator.CoordinatorRuntime.WriteResult;
import io.sluice.coordinator.LogReplay;
import io.sluice.coordinator.PartitionWriter;
import io.sluice.coordinator.TxnMarker;
import io.sluice.util.Futures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator (Kafka's {@code TransactionCoordinator}): for each transactional id whose
 * __transaction_state partition this node leads, the producer id and epoch, and the transaction's state
 * ({@link TransactionState}) and partitions. It answers InitProducerId (bumping the epoch, which fences the previous
 * producer, and aborting a transaction that producer left open), AddPartitionsToTxn and AddOffsetsToTxn, EndTxn, and
 * the admin APIs; it has the markers of a decided transaction written ({@link TransactionMarkerSender}) and records the
 * transaction complete once every partition holds its marker. Transactions open longer than their timeout are
 * aborted, and ids idle longer than transactional.id.expiration.ms are forgotten.
 *
 * <p>Every change is a write of the id's new {@link TransactionMetadata} to its partition, through a
 * {@link CoordinatorRuntime}: a request is answered once the in-sync replicas hold the change, and a request that
 * finds a change of its id still in flight gets CONCURRENT_TRANSACTIONS, which clients retry.
 *
 * <p>Threading: the operations run as events of the id's partition (one at a time per partition, holding no lock);
 * the replicated state is a concurrent map read by the admin APIs and the timers; futures complete after the event.
 */
public final class TransactionCoordinator {
    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);
    /** Kafka's default for how long a write to __transaction_state waits for the in-sync replicas. */
    static final long WRITE_TIMEOUT_MS = 5000;

    /** Hands out producer ids (the broker's {@code ProducerIdManager}). */
    @FunctionalInterface
    public interface ProducerIds {
        CompletableFuture<Long> nextId();
    }

    /** What InitProducerId answers. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) {
            return new InitResult(error, -1, (short) -1);
        }
    }

    /** One write: the id's next metadata, or null when the id is removed (a tombstone). */
    private record TxnChange(String transactionalId, TransactionMetadata next) {
    }

    /** An id's metadata as the next write sees it, and whether a change of it is still waiting for replication. */
    private record View(TransactionMetadata metadata, boolean writeInFlight) {
    }

    private final int numPartitions;
    private final PartitionWriter partitions;
    private final CoordinatorOwnership ownership;
    private final ProducerIds producerIds;
    private final TransactionConfig config;
    private final Time time;
    private final CoordinatorRuntime<TxnChange> runtime;
    private final Map<String, TransactionMetadata> transactions = new ConcurrentHashMap<>();
    /** The leader epoch each loaded partition was loaded in: the coordinator epoch its markers carry. */
    private final Map<Integer, Integer> coordinatorEpochs = new ConcurrentHashMap<>();
    private volatile TransactionMarkerSender markers;

    public TransactionCoordinator(int numPartitions, PartitionWriter partitions, CoordinatorOwnership ownership,
                                  ProducerIds producerIds, TransactionConfig config, Time time, Executor events) {
        this.numPartitions = numPartitions;
        this.partitions = partitions;
        this.ownership = ownership;
        this.producerIds = producerIds;
        this.config = config;
        this.time = time;
        this.runtime = new CoordinatorRuntime<>(TransactionStateTopic.NAME, numPartitions, partitions, this::apply,
                events, WRITE_TIMEOUT_MS);
    }

    /** Where decided transactions' markers go; set once at start-up, before any partition loads. */
    public void setMarkerSender(TransactionMarkerSender sender) {
        this.markers = sender;
    }

    public int numPartitions() {
        return numPartitions;
    }

    public int partitionFor(String transactionalId) {
        return TransactionStateTopic.partitionFor(transactionalId, numPartitions);
    }

    // ---------------------------------------------------------------- client APIs

    /**
     * InitProducerId with a transactional id: a new id gets a producer id at epoch 0; a known one gets its epoch
     * bumped, which fences the producer that held it. If that producer left a transaction open, it is aborted first
     * and the caller is told CONCURRENT_TRANSACTIONS, to retry once the abort is done. {@code expectedProducerId} and
     * epoch (KIP-360, -1 when absent) let a producer re-initialise itself: they must be its current ones.
     */
    public CompletableFuture<InitResult> initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
                                                       short expectedEpoch) {
        if (transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(InitResult.failed(Errors.INVALID_REQUEST));
        }
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            return CompletableFuture.completedFuture(InitResult.failed(Errors.INVALID_TRANSACTION_TIMEOUT));
        }
        Errors notHere = ownership.errorFor(transactionalId);
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(InitResult.failed(notHere));
        }
        TransactionMetadata known = transactions.get(transactionalId);
        CompletableFuture<Long> newProducerId = known == null || known.epochExhausted() ? producerIds.nextId()
                : CompletableFuture.completedFuture(-1L);
        return newProducerId.thenCompose(producerId -> write(transactionalId, InitResult::failed,
                pending -> init(transactionalId, timeoutMs, expectedProducerId, expectedEpoch, producerId, pending)));
    }

    private WriteResult<TxnChange, InitResult> init(String transactionalId, int timeoutMs, long expectedProducerId,
                                                    short expectedEpoch, long newProducerId, List<TxnChange> pending) {
        View view = view(transactionalId, pending);
        if (view.writeInFlight()) {
            return WriteResult.nothing(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
        }
        long now = time.milliseconds();
        TransactionMetadata current = view.metadata();
        if (current == null) {
            if (newProducerId < 0) {
                return WriteResult.nothing(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
            }
            current = TransactionMetadata.fresh(transactionalId, newProducerId, timeoutMs, now);
        }
        if (expectedProducerId >= 0) {
            boolean sameProducer = expectedProducerId == current.producerId();
            if (!sameProducer || (expectedEpoch != current.producerEpoch() && expectedEpoch != current.lastProducerEpoch())) {
                return WriteResult.nothing(InitResult.failed(Errors.PRODUCER_FENCED));
            }
            if (expectedEpoch == current.lastProducerEpoch() && current.state().isIdle()) {
                // A retry of a bump that already happened: answer it again.
                return WriteResult.nothing(new InitResult(Errors.NONE, current.producerId(), current.producerEpoch()));
            }
        }
        switch (current.state()) {
            case ONGOING -> {
                TransactionMetadata fenced = fence(current, now);
                log.info("Aborting the open transaction of {} (producer {}) to fence it for a new producer",
                        transactionalId, current.producerId());
                return change(transactionalId, fenced, InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
            }
            case EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT -> {
                boolean exhausted = current.epochExhausted();
                if (exhausted && newProducerId < 0) {
                    return WriteResult.nothing(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
                }
                long producerId = exhausted ? newProducerId : current.producerId();
                short epoch = exhausted ? 0 : current.bumpedEpoch();
                TransactionMetadata next = current.transitionTo(TransactionState.EMPTY, producerId, epoch, timeoutMs,
                        Set.of(), -1, now);
                return change(transactionalId, next, new InitResult(Errors.NONE, producerId, epoch));
            }
            default -> {
                // Markers are being written, or the id is being removed: the client retries shortly.
                return WriteResult.nothing(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
            }
        }
    }

    /** The open transaction is aborted under a bumped epoch, so the producer that opened it can write no more. */
    private static TransactionMetadata fence(TransactionMetadata current, long now) {
        short epoch = current.epochExhausted() ? current.producerEpoch() : current.bumpedEpoch();
        TransactionMetadata fencing = current.transitionTo(TransactionState.PREPARE_EPOCH_FENCE, current.producerId(),
                epoch, current.timeoutMs(), current.partitions(), current.txnStartTimestamp(), now);
        return fencing.transitionTo(TransactionState.PREPARE_ABORT, now);
    }

    /**
     * AddPartitionsToTxn (and AddOffsetsToTxn, whose partition is the group's offsets partition): the partitions join
     * the producer's transaction, which starts if none is open.
     */
    public CompletableFuture<Errors> addPartitions(String transactionalId, long producerId, short epoch,
                                                   Collection<TopicPartition> added) {
        return producerWrite(transactionalId, producerId, epoch, current -> {
            if (!current.state().isIdle() && current.state() != TransactionState.ONGOING) {
                return WriteResult.nothing(Errors.CONCURRENT_TRANSACTIONS);
            }
            if (current.state() == TransactionState.ONGOING && current.partitions().containsAll(added)) {
                return WriteResult.nothing(Errors.NONE);
            }
            return change(transactionalId, current.withPartitionsAdded(added, time.milliseconds()), Errors.NONE);
        });
    }

    /**
     * KIP-890's check before a partition leader appends a producer's first transactional batch: is the partition
     * part of the producer's open transaction, in this epoch? NONE or INVALID_TXN_STATE (or the id's error).
     */
    public CompletableFuture<Errors> verifyPartition(String transactionalId, long producerId, short epoch,
                                                     TopicPartition partition) {
        return producerWrite(transactionalId, producerId, epoch, current -> {
            boolean open = current.state() == TransactionState.ONGOING && current.partitions().contains(partition);
            return WriteResult.nothing(open ? Errors.NONE : Errors.INVALID_TXN_STATE);
        });
    }

    /** What EndTxn answers; with transactions version 2, the producer id and epoch the producer goes on with. */
    public record EndResult(Errors error, long producerId, short producerEpoch) {
        static EndResult failed(Errors error) {
            return new EndResult(error, -1, (short) -1);
        }
    }

    /**
     * EndTxn of transactions version 1: the open transaction is decided (PREPARE_COMMIT or PREPARE_ABORT, answered
     * once replicated), then its markers are written and it completes. A retry of a decision already taken is
     * answered NONE, or CONCURRENT_TRANSACTIONS while its markers are still being written.
     */
    public CompletableFuture<Errors> endTransaction(String transactionalId, long producerId, short epoch,
                                                    boolean commit) {
        return endTransaction(transactionalId, producerId, epoch, commit, false).thenApply(EndResult::error);
    }

    /**
     * EndTxn; with {@code version2} (EndTxn v5, KIP-890) the decision bumps the producer's epoch, so no write of the
     * ended transaction can land after its markers, and the answer carries the new epoch (or, when the epoch would
     * overflow, a new producer id at epoch 0). Version 2 also lets a producer abort before any partition joined,
     * and recognises a retry by the epoch before the bump.
     */
    public CompletableFuture<EndResult> endTransaction(String transactionalId, long producerId, short epoch,
                                                       boolean commit, boolean version2) {
        if (!version2) {
            return producerWrite(transactionalId, producerId, epoch, current -> endVersion1(transactionalId, current,
                    commit)).thenApply(error -> new EndResult(error, producerId, epoch));
        }
        TransactionMetadata known = transactions.get(transactionalId);
        CompletableFuture<Long> newProducerId = known != null && known.epochExhausted() ? producerIds.nextId()
                : CompletableFuture.completedFuture(-1L);
        return newProducerId.thenCompose(next -> write(transactionalId, EndResult::failed,
                pending -> endVersion2(transactionalId, producerId, epoch, commit, next, pending)));
    }

    private WriteResult<TxnChange, EndResult> endVersion2(String transactionalId, long producerId, short epoch,
                                                         boolean commit, long newProducerId, List<TxnChange> pending) {
        View view = view(transactionalId, pending);
        TransactionMetadata current = view.metadata();
        if (current == null || (producerId != current.producerId() && producerId != current.previousProducerId())) {
            return WriteResult.nothing(EndResult.failed(Errors.INVALID_PRODUCER_ID_MAPPING));
        }
        if (view.writeInFlight()) {
            return WriteResult.nothing(EndResult.failed(Errors.CONCURRENT_TRANSACTIONS));
        }
        TransactionState wanted = commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT;
        TransactionState done = commit ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT;
        // A retry comes with the epoch before the bump, or, after an overflow, the old producer id at its last epoch.
        boolean retry = producerId == current.producerId() ? epoch == current.producerEpoch() - 1
                : current.state().isIdle() && current.producerEpoch() == 0 && epoch >= Short.MAX_VALUE - 1;
        if (retry) {
            // The producer did not hear the answer that bumped its epoch: answer it again.
            if (current.state() == done) {
                return WriteResult.nothing(new EndResult(Errors.NONE, current.producerId(), current.producerEpoch()));
            }
            return WriteResult.nothing(EndResult.failed(current.state() == wanted ? Errors.CONCURRENT_TRANSACTIONS
                    : Errors.INVALID_TXN_STATE));
        }
        if (producerId != current.producerId() || epoch != current.producerEpoch()) {
            return WriteResult.nothing(EndResult.failed(Errors.PRODUCER_FENCED));
        }
        boolean decidable = current.state() == TransactionState.ONGOING || (!commit && current.state().isIdle());
        if (!decidable) {
            return WriteResult.nothing(EndResult.failed(current.state().isPreparing()
                    || current.state() == TransactionState.PREPARE_EPOCH_FENCE
                    ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE));
        }
        boolean rotate = current.epochExhausted();
        if (rotate && newProducerId < 0) {
            return WriteResult.nothing(EndResult.failed(Errors.CONCURRENT_TRANSACTIONS));
        }
        long now = time.milliseconds();
        Set<TopicPartition> partitions = current.state() == TransactionState.ONGOING ? current.partitions() : Set.of();
        TransactionMetadata decided = current.transitionTo(wanted, current.producerId(), current.bumpedEpoch(),
                current.timeoutMs(), partitions, current.txnStartTimestamp(), now);
        if (rotate) {
            return change(transactionalId, decided.withNextProducerId(newProducerId),
                    new EndResult(Errors.NONE, newProducerId, (short) 0));
        }
        return change(transactionalId, decided, new EndResult(Errors.NONE, decided.producerId(),
                decided.producerEpoch()));
    }

    private WriteResult<TxnChange, Errors> endVersion1(String transactionalId, TransactionMetadata current,
                                                       boolean commit) {
        TransactionState wanted = commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT;
        TransactionState done = commit ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT;
        if (current.state() == TransactionState.ONGOING) {
            return change(transactionalId, current.transitionTo(wanted, time.milliseconds()), Errors.NONE);
        }
        if (current.state() == done) {
            return WriteResult.nothing(Errors.NONE);
        }
        if (current.state() == wanted) {
            return WriteResult.nothing(Errors.CONCURRENT_TRANSACTIONS);
        }
        return WriteResult.nothing(current.state() == TransactionState.PREPARE_EPOCH_FENCE
                ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE);
    }

    /** A write on behalf of the id's current producer, which the request must name ({@link #checkProducer}). */
    private CompletableFuture<Errors> producerWrite(String transactionalId, long producerId, short epoch,
                                                    Function<TransactionMetadata, WriteResult<TxnChange, Errors>> op) {
        return write(transactionalId, Function.identity(), pending -> {
            View view = view(transactionalId, pending);
            Errors invalid = checkProducer(view, producerId, epoch);
            return invalid != Errors.NONE ? WriteResult.nothing(invalid) : op.apply(view.metadata());
        });
    }

    /** The producer named by a request must be the id's current one: its producer id, and its epoch. */
    private static Errors checkProducer(View view, long producerId, short epoch) {
        TransactionMetadata current = view.metadata();
        if (current != null && current.nextProducerId() == producerId) {
            // Moved on to the producer id its EndTxn gave it while that transaction's markers are still written.
            return Errors.CONCURRENT_TRANSACTIONS;
        }
        if (current == null || current.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (current.producerEpoch() != epoch) {
            return Errors.PRODUCER_FENCED;
        }
        return view.writeInFlight() ? Errors.CONCURRENT_TRANSACTIONS : Errors.NONE;
    }

    // ---------------------------------------------------------------- markers and completion

    /** Every marker of a decided transaction is written: it completes, unless it changed meanwhile. */
    void markersWritten(String transactionalId, TxnMarker marker) {
        write(transactionalId, Function.identity(), pending -> {
            View view = view(transactionalId, pending);
            TransactionMetadata current = view.metadata();
            TransactionState preparing = marker.commit() ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT;
            if (current == null || current.producerId() != marker.producerId()
                    || current.producerEpoch() != marker.producerEpoch() || current.state() != preparing) {
                return WriteResult.nothing(Errors.NONE);
            }
            TransactionState done = marker.commit() ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT;
            boolean rotated = current.nextProducerId() >= 0;
            // An epoch that overflowed: the producer goes on under the new producer id it was given, at epoch 0.
            TransactionMetadata next = current.transitionTo(done, rotated ? current.nextProducerId() : current.producerId(),
                    rotated ? 0 : current.producerEpoch(), current.timeoutMs(), Set.of(), current.txnStartTimestamp(),
                    time.milliseconds()).withNextProducerId(-1);
            return change(transactionalId, next, Errors.NONE);
        }).whenComplete((error, failure) -> {
            if (failure != null || error != Errors.NONE) {
                // The next load (or leader) finds the transaction still preparing and writes its markers again.
                log.info("Could not complete transaction {} of producer {}: {}", transactionalId, marker.producerId(),
                        failure != null ? Futures.unwrap(failure).toString() : error);
            }
        });
    }

    /** Whether this node still coordinates the id in the coordinator epoch a marker was sent in. */
    boolean coordinates(String transactionalId, int coordinatorEpoch) {
        int partition = partitionFor(transactionalId);
        Integer loadedIn = coordinatorEpochs.get(partition);
        return loadedIn != null && loadedIn == coordinatorEpoch && runtime.isLoaded(partition);
    }

    private void sendMarkers(TransactionMetadata decided) {
        TransactionMarkerSender sender = markers;
        Integer coordinatorEpoch = coordinatorEpochs.get(partitionFor(decided.transactionalId()));
        if (sender == null || coordinatorEpoch == null) {
            return;
        }
        TxnMarker marker = new TxnMarker(decided.producerId(), decided.producerEpoch(), coordinatorEpoch,
                decided.state() == TransactionState.PREPARE_COMMIT);
        sender.send(decided.transactionalId(), marker, decided.partitions());
    }

    // ---------------------------------------------------------------- timers

    /** Aborts, fencing their producers, the transactions open longer than their timeout; returns how many. */
    public int abortTimedOutTransactions() {
        long now = time.milliseconds();
        int aborted = 0;
        for (TransactionMetadata open : List.copyOf(transactions.values())) {
            if (!open.hasExpired(now)) {
                continue;
            }
            aborted++;
            String id = open.transactionalId();
            write(id, Function.identity(), pending -> {
                View view = view(id, pending);
                TransactionMetadata current = view.metadata();
                if (view.writeInFlight() || current == null || current.producerEpoch() != open.producerEpoch()
                        || !current.hasExpired(time.milliseconds())) {
                    return WriteResult.nothing(Errors.NONE);
                }
                log.info("Aborting transaction {} of producer {}: open for longer than its timeout of {} ms", id,
                        current.producerId(), current.timeoutMs());
                return change(id, fence(current, time.milliseconds()), Errors.NONE);
            });
        }
        return aborted;
    }

    /** Forgets the ids with no transaction open that were idle for transactional.id.expiration.ms. */
    public int removeExpiredTransactionalIds() {
        long now = time.milliseconds();
        int removed = 0;
        for (TransactionMetadata idle : List.copyOf(transactions.values())) {
            if (!idle.state().isIdle() || now - idle.lastUpdateTimestamp() < config.idExpirationMs()) {
                continue;
            }
            removed++;
            String id = idle.transactionalId();
            write(id, Function.identity(), pending -> {
                View view = view(id, pending);
                TransactionMetadata current = view.metadata();
                if (view.writeInFlight() || current == null || !current.state().isIdle()
                        || time.milliseconds() - current.lastUpdateTimestamp() < config.idExpirationMs()) {
                    return WriteResult.nothing(Errors.NONE);
                }
                current.transitionTo(TransactionState.DEAD, time.milliseconds());
                return change(id, null, Errors.NONE);
            });
        }
        return removed;
    }

    // ---------------------------------------------------------------- admin

    /** The replicated state of an id this node coordinates, or null. */
    public TransactionMetadata describe(String transactionalId) {
        return transactions.get(transactionalId);
    }

    /** The ids this node coordinates whose state the filter accepts. */
    public List<TransactionMetadata> list(Predicate<TransactionMetadata> filter) {
        List<TransactionMetadata> result = new ArrayList<>();
        for (TransactionMetadata metadata : transactions.values()) {
            if (filter.test(metadata)) {
                result.add(metadata);
            }
        }
        return result;
    }

    public Errors errorFor(String transactionalId) {
        return ownership.errorFor(transactionalId);
    }

    // ---------------------------------------------------------------- loading

    /**
     * Rebuilds the partition's ids from its local log, as its leader in the given epoch (the coordinator epoch of
     * the markers it writes); transactions found decided but not complete get their markers written again.
     */
    public void loadPartition(int partition, int leaderEpoch) {
        TopicPartition tp = new TopicPartition(TransactionStateTopic.NAME, partition);
        List<TransactionMetadata> preparing = new ArrayList<>();
        runtime.scheduleLoad(partition, () -> {
            forget(partition);
            Map<String, TransactionMetadata> loaded = new ConcurrentHashMap<>();
            long records = LogReplay.replay(partitions.leaderLog(tp), record -> {
                String id = record.hasKey() ? TransactionLogCodec.decodeKey(record.key()) : null;
                if (id == null) {
                    return;
                }
                TransactionMetadata value = record.hasValue() ? TransactionLogCodec.decodeValue(id, record.value()) : null;
                if (value == null) {
                    loaded.remove(id);
                } else {
                    loaded.put(id, value);
                }
            });
            transactions.putAll(loaded);
            coordinatorEpochs.put(partition, leaderEpoch);
            loaded.values().stream().filter(m -> m.state().isPreparing()).forEach(preparing::add);
            log.debug("Loaded {} transactional ids from {} records of {}", loaded.size(), records, tp);
            return records;
        }).join();
        preparing.forEach(this::sendMarkers);
    }

    /** Stops coordinating the partition's ids and forgets them. */
    public void unloadPartition(int partition) {
        runtime.scheduleUnload(partition, () -> {
            forget(partition);
            coordinatorEpochs.remove(partition);
        }).join();
    }

    private void forget(int partition) {
        transactions.keySet().removeIf(id -> partitionFor(id) == partition);
    }

    // ---------------------------------------------------------------- writes

    private <T> CompletableFuture<T> write(String transactionalId, Function<Errors, T> onError,
                                           CoordinatorRuntime.WriteOperation<TxnChange, T> operation) {
        Errors notHere = ownership.errorFor(transactionalId);
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(onError.apply(notHere));
        }
        return runtime.scheduleWrite(partitionFor(transactionalId), operation)
                .exceptionally(failure -> onError.apply(writeError(Futures.unwrap(failure))));
    }

    /** Kafka's answers for a coordinator write that failed: the client finds the coordinator again, or retries. */
    private static Errors writeError(Throwable failure) {
        Errors error = failure instanceof ApiException ? Errors.forException(failure) : Errors.UNKNOWN_SERVER_ERROR;
        return switch (error) {
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR, NOT_COORDINATOR -> Errors.NOT_COORDINATOR;
            case REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, UNKNOWN_TOPIC_OR_PARTITION ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            default -> error;
        };
    }

    private View view(String transactionalId, List<TxnChange> pending) {
        TransactionMetadata metadata = transactions.get(transactionalId);
        boolean inFlight = false;
        for (TxnChange change : pending) {
            if (change.transactionalId().equals(transactionalId)) {
                metadata = change.next();
                inFlight = true;
            }
        }
        return new View(metadata, inFlight);
    }

    private <T> WriteResult<TxnChange, T> change(String transactionalId, TransactionMetadata next, T response) {
        SimpleRecord record = new SimpleRecord(time.milliseconds(), TransactionLogCodec.encodeKey(transactionalId),
                next == null ? null : TransactionLogCodec.encodeValue(next));
        return new WriteResult<>(MemoryRecords.withRecords(Compression.NONE, record),
                new TxnChange(transactionalId, next), response);
    }

    /** A replicated change reaches the state (in its partition's event); a decided transaction's markers go out. */
    private void apply(TxnChange change) {
        if (change.next() == null) {
            transactions.remove(change.transactionalId());
            return;
        }
        transactions.put(change.transactionalId(), change.next());
        if (change.next().state().isPreparing()) {
            sendMarkers(change.next());
        }
    }

    @Override
    public String toString() {
        return "TransactionCoordinator(" + numPartitions + " partitions)";
    }
}
