package io.sluice.log;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.zip.CRC32;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Producer bookkeeping for one partition: epochs and the last batches of each producer, used to reject fenced or
 * out-of-order batches and to answer retried batches without rewriting them; and the transactions still undecided
 * here (open, or ended by a marker the in-sync replicas may not hold yet), whose first offsets bound the last stable
 * offset.
 *
 * <p>Threading: not thread-safe except {@link #lastStableOffset}, which fetches call without a lock; the owning Log
 * calls everything else under its append lock.
 */
final class ProducerStateManager {
    static final String SNAPSHOT_SUFFIX = ".snapshot";
    /** Version 2 added each producer's open transaction and coordinator epoch. */
    private static final int SNAPSHOT_VERSION = 2;

    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();
    /** First offset of each undecided transaction to the offset of its marker (Long.MAX_VALUE while open). */
    private final ConcurrentSkipListMap<Long, Long> undecided = new ConcurrentSkipListMap<>();
    /** KIP-890 verification guards of producers whose next transaction is being verified with its coordinator. */
    private final Map<Long, VerificationGuard> verificationGuards = new HashMap<>();

    /** Outcome of checking one batch: null when it is new, else the batch it duplicates. */
    ProducerStateEntry.BatchMetadata check(RecordBatch batch, Map<Long, ProducerStateEntry> pending,
                                           AppendOrigin origin) {
        long producerId = batch.producerId();
        ProducerStateEntry entry = pending.containsKey(producerId) ? pending.get(producerId) : producers.get(producerId);
        if (entry == null) {
            // Unknown producer (new, or its state fell off the log): accept any sequence, as Kafka does.
            return null;
        }
        short epoch = batch.producerEpoch();
        if (!batch.isTransactional() && entry.currentTxnFirstOffset >= 0) {
            throw new InvalidTxnStateException("Expected a transactional write from producer " + producerId
                    + ", which has a transaction open at offset " + entry.currentTxnFirstOffset);
        }
        if (epoch < entry.epoch()) {
            throw new InvalidProducerEpochException("Epoch " + epoch + " of producer " + producerId
                    + " is older than the current epoch " + entry.epoch());
        }
        if (origin == AppendOrigin.COORDINATOR) {
            return null;
        }
        int firstSeq = batch.baseSequence();
        int lastSeq = batch.lastSequence();
        if (epoch == entry.epoch()) {
            ProducerStateEntry.BatchMetadata duplicate = entry.findDuplicate(firstSeq, lastSeq);
            if (duplicate != null) {
                return duplicate;
            }
            int expected = entry.lastSequence() == RecordBatch.NO_SEQUENCE ? 0
                    : DefaultRecordBatch.incrementSequence(entry.lastSequence(), 1);
            if (entry.lastSequence() != RecordBatch.NO_SEQUENCE && firstSeq != expected) {
                throw new OutOfOrderSequenceException("Out of order sequence number for producer " + producerId
                        + " at epoch " + epoch + ": " + firstSeq + " (incoming seq. number), "
                        + entry.lastSequence() + " (current end sequence number)");
            }
        } else if (firstSeq != 0) {
            throw new OutOfOrderSequenceException("Invalid sequence number for new epoch of producer "
                    + producerId + " at epoch " + epoch + ": " + firstSeq + " (request epoch), 0 (expected)");
        }
        return null;
    }

    /**
     * Stages a batch that passed {@link #check} so later batches of the same request see it; a transactional batch
     * of a producer with no open transaction opens one.
     */
    void stage(Map<Long, ProducerStateEntry> pending, long producerId, short epoch, boolean transactional,
               ProducerStateEntry.BatchMetadata batch) {
        ProducerStateEntry entry = pending.get(producerId);
        if (entry == null) {
            ProducerStateEntry current = producers.get(producerId);
            entry = current == null ? new ProducerStateEntry(producerId, epoch) : current.copy();
            pending.put(producerId, entry);
        }
        entry.add(epoch, batch);
        if (transactional && entry.currentTxnFirstOffset < 0) {
            entry.currentTxnFirstOffset = batch.firstOffset();
        }
    }

    void commit(Map<Long, ProducerStateEntry> pending) {
        producers.putAll(pending);
        for (ProducerStateEntry entry : pending.values()) {
            if (entry.currentTxnFirstOffset >= 0) {
                undecided.putIfAbsent(entry.currentTxnFirstOffset, Long.MAX_VALUE);
                verificationGuards.remove(entry.producerId);
            }
        }
    }

    /** Whether the producer has a transaction open here in that epoch. */
    boolean hasOpenTransaction(long producerId, short producerEpoch) {
        ProducerStateEntry entry = producers.get(producerId);
        return entry != null && entry.currentTxnFirstOffset >= 0 && entry.epoch() == producerEpoch;
    }

    /** The producer's verification guard for that epoch, created if it has none. */
    VerificationGuard verificationGuard(long producerId, short producerEpoch, boolean epochBumpedAtEnd) {
        VerificationGuard guard = verificationGuards.get(producerId);
        if (guard == null || !guard.isFor(producerEpoch, epochBumpedAtEnd)) {
            guard = new VerificationGuard(producerEpoch, epochBumpedAtEnd);
            verificationGuards.put(producerId, guard);
        }
        return guard;
    }

    /**
     * A transactional batch that would open its producer's transaction needs the guard verification began with;
     * a batch of a transaction already open (here or earlier in the request) needs nothing.
     */
    void checkVerified(RecordBatch batch, Map<Long, ProducerStateEntry> pending, VerificationGuard guard) {
        if (!batch.isTransactional()) {
            return;
        }
        ProducerStateEntry entry = pending.containsKey(batch.producerId()) ? pending.get(batch.producerId())
                : producers.get(batch.producerId());
        if (entry != null && entry.currentTxnFirstOffset >= 0) {
            if (batch.producerEpoch() == entry.epoch()) {
                return;
            }
            // The next transaction (a bumped epoch) before the open one's marker: it would be committed or aborted
            // with the wrong transaction.
            throw new InvalidTxnStateException("Producer " + batch.producerId() + " starts a transaction in epoch "
                    + batch.producerEpoch() + " while its transaction of epoch " + entry.epoch() + " is still open here");
        }
        if (guard == VerificationGuard.TRANSACTION_OPEN || verificationGuards.get(batch.producerId()) != guard) {
            throw new InvalidTxnStateException("The transaction of producer " + batch.producerId()
                    + " was not verified with its coordinator as including this partition (or it ended meanwhile)");
        }
    }

    /**
     * Checks that a coordinator may end a transaction of the producer: its marker must not come from an older
     * producer epoch or an older coordinator than the last one seen.
     */
    void checkMarker(long producerId, short producerEpoch, int coordinatorEpoch) {
        ProducerStateEntry entry = producers.get(producerId);
        if (entry == null) {
            return;
        }
        if (producerEpoch < entry.epoch()) {
            throw new InvalidProducerEpochException("Transaction marker of producer " + producerId + " has epoch "
                    + producerEpoch + ", older than the current epoch " + entry.epoch());
        }
        if (coordinatorEpoch < entry.coordinatorEpoch) {
            throw new TransactionCoordinatorFencedException("Transaction marker of producer " + producerId
                    + " comes from coordinator epoch " + coordinatorEpoch + ", older than " + entry.coordinatorEpoch);
        }
    }

    /**
     * A marker at markerOffset ended the producer's transaction (one with no records here too). Returns the
     * index entry an abort adds, or null for a commit.
     */
    AbortedTxn completeTxn(long producerId, short producerEpoch, int coordinatorEpoch, boolean abort,
                           long markerOffset) {
        ProducerStateEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerStateEntry(id, producerEpoch));
        VerificationGuard guard = verificationGuards.get(producerId);
        if (guard != null && !guard.survivesMarker(producerEpoch)) {
            verificationGuards.remove(producerId);
        }
        entry.updateEpoch(producerEpoch);
        entry.coordinatorEpoch = Math.max(entry.coordinatorEpoch, coordinatorEpoch);
        long firstOffset = entry.currentTxnFirstOffset >= 0 ? entry.currentTxnFirstOffset : markerOffset;
        if (entry.currentTxnFirstOffset >= 0) {
            undecided.put(entry.currentTxnFirstOffset, markerOffset);
        }
        entry.currentTxnFirstOffset = -1;
        if (!abort) {
            return null;
        }
        Long firstOpen = null;
        for (Map.Entry<Long, Long> txn : undecided.entrySet()) {
            if (txn.getValue() == Long.MAX_VALUE) {
                firstOpen = txn.getKey();
                break;
            }
        }
        return new AbortedTxn(producerId, firstOffset, markerOffset, firstOpen == null ? markerOffset + 1 : firstOpen);
    }

    /**
     * The last stable offset for a high watermark: the first offset of the oldest transaction still open, or ended
     * by a marker at or past the high watermark; else the high watermark. Transactions decided below it are dropped.
     */
    long lastStableOffset(long highWatermark) {
        while (true) {
            Map.Entry<Long, Long> oldest = undecided.firstEntry();
            if (oldest == null || oldest.getKey() >= highWatermark) {
                return highWatermark;
            }
            if (oldest.getValue() >= highWatermark) {
                return oldest.getKey();
            }
            undecided.remove(oldest.getKey(), oldest.getValue());
        }
    }

    /**
     * Replays a batch header found in the log (loading or recovery), without validation; returns the entry an abort
     * marker adds to the aborted transaction index, else null.
     */
    AbortedTxn replay(BatchHeader header) {
        if (header.producerId < 0) {
            return null;
        }
        if (header.control) {
            boolean abort = header.controlType == ControlRecordType.ABORT.type();
            if (!abort && header.controlType != ControlRecordType.COMMIT.type()) {
                return null;
            }
            ProducerStateEntry entry = producers.get(header.producerId);
            if (entry != null && header.producerEpoch < entry.epoch()) {
                return null;
            }
            AbortedTxn aborted = completeTxn(header.producerId, header.producerEpoch, header.coordinatorEpoch, abort,
                    header.baseOffset);
            // Replayed markers are below the log end, which a replica reaches only once they are replicated.
            undecided.values().remove(header.baseOffset);
            return aborted;
        }
        ProducerStateEntry entry = producers.computeIfAbsent(header.producerId,
                id -> new ProducerStateEntry(id, header.producerEpoch));
        if (header.producerEpoch < entry.epoch()) {
            return null;
        }
        entry.add(header.producerEpoch, new ProducerStateEntry.BatchMetadata(header.baseSequence,
                header.lastSequence, header.baseOffset, header.lastOffset, header.maxTimestamp));
        if (header.transactional && entry.currentTxnFirstOffset < 0) {
            entry.currentTxnFirstOffset = header.baseOffset;
            undecided.put(header.baseOffset, Long.MAX_VALUE);
        }
        return null;
    }

    List<ProducerInfo> activeProducers() {
        List<ProducerInfo> result = new ArrayList<>(producers.size());
        for (ProducerStateEntry entry : producers.values()) {
            result.add(new ProducerInfo(entry.producerId, entry.epoch(), entry.lastSequence(),
                    entry.lastTimestamp(), entry.currentTxnFirstOffset, entry.coordinatorEpoch));
        }
        return result;
    }

    /**
     * Forgets the producers with no open transaction whose newest batch is older than expirationMs
     * (producer.id.expiration.ms); returns how many. A forgotten producer's next batch is accepted at any sequence.
     */
    int removeExpired(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(entry -> entry.currentTxnFirstOffset < 0
                && entry.lastTimestamp() != RecordBatch.NO_TIMESTAMP && nowMs - entry.lastTimestamp() > expirationMs);
        return before - producers.size();
    }

    /**
     * The log now starts at logStartOffset (retention, DeleteRecords): producers whose batches all went and that
     * have no open transaction are forgotten, as Kafka does, and transactions decided below it no longer count.
     */
    void truncateHead(long logStartOffset) {
        producers.values().removeIf(entry -> entry.currentTxnFirstOffset < 0 && entry.lastOffset() >= 0
                && entry.lastOffset() < logStartOffset);
        undecided.entrySet().removeIf(txn -> txn.getValue() != Long.MAX_VALUE && txn.getValue() < logStartOffset);
    }

    /** Producer id to the last offset of its newest batch: the batches compaction must not remove. */
    Map<Long, Long> lastBatchOffsets() {
        Map<Long, Long> result = new HashMap<>(producers.size());
        for (ProducerStateEntry entry : producers.values()) {
            if (entry.lastOffset() >= 0) {
                result.put(entry.producerId, entry.lastOffset());
            }
        }
        return result;
    }

    void clear() {
        producers.clear();
        undecided.clear();
        verificationGuards.clear();
    }

    /**
     * Snapshots kept at segment rolls: the recovery point (checkpointed now and then) can lag a few rolls behind,
     * and a crash replays from the newest snapshot at or below it.
     */
    static final int SNAPSHOTS_KEPT = 3;

    /** Deletes all but the newest {@code keep} snapshot files of the directory. */
    static void pruneSnapshots(Path dir, int keep) {
        List<Long> offsets = snapshotOffsets(dir);
        for (int i = 0; i < offsets.size() - keep; i++) {
            deleteSnapshot(dir, offsets.get(i));
        }
    }

    /** Deletes the snapshots past the offset: a truncation removed what they describe. */
    static void deleteSnapshotsAfter(Path dir, long offset) {
        for (long snapshot : snapshotOffsets(dir)) {
            if (snapshot > offset) {
                deleteSnapshot(dir, snapshot);
            }
        }
    }

    private static List<Long> snapshotOffsets(Path dir) {
        List<Long> offsets = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(SNAPSHOT_SUFFIX))
                    .forEach(name -> offsets.add(Long.parseLong(name.substring(0, name.length()
                            - SNAPSHOT_SUFFIX.length()))));
        } catch (IOException | NumberFormatException e) {
            // Unreadable names are left alone; loading picks only the snapshots it can use.
        }
        offsets.sort(null);
        return offsets;
    }

    private static void deleteSnapshot(Path dir, long offset) {
        try {
            Files.deleteIfExists(snapshotFile(dir, offset));
        } catch (IOException e) {
            // A snapshot left behind costs disk only.
        }
    }

    static Path snapshotFile(Path dir, long offset) {
        return dir.resolve(LogSegment.fileName(offset, SNAPSHOT_SUFFIX));
    }

    /** Writes the state as of the given offset, atomically (temp file then rename). */
    void writeSnapshot(Path dir, long offset) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(SNAPSHOT_VERSION);
            out.writeInt(producers.size());
            for (ProducerStateEntry entry : producers.values()) {
                out.writeLong(entry.producerId);
                out.writeShort(entry.epoch());
                out.writeLong(entry.currentTxnFirstOffset);
                out.writeInt(entry.coordinatorEpoch);
                List<ProducerStateEntry.BatchMetadata> batches = new ArrayList<>();
                entry.batches().forEach(batches::add);
                out.writeInt(batches.size());
                for (ProducerStateEntry.BatchMetadata batch : batches) {
                    out.writeInt(batch.firstSeq());
                    out.writeInt(batch.lastSeq());
                    out.writeLong(batch.firstOffset());
                    out.writeLong(batch.lastOffset());
                    out.writeLong(batch.timestamp());
                }
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.flush();
            Path target = snapshotFile(dir, offset);
            Path tmp = dir.resolve(target.getFileName() + ".tmp");
            Files.write(tmp, bytes.toByteArray());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the state with a snapshot's; returns false if the file is unreadable or corrupt. */
    boolean loadSnapshot(Path file) {
        try {
            byte[] data = Files.readAllBytes(file);
            if (data.length < 16) {
                return false;
            }
            CRC32 crc = new CRC32();
            crc.update(data, 0, data.length - 8);
            if (ByteBuffer.wrap(data, data.length - 8, 8).getLong() != crc.getValue()) {
                return false;
            }
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data, 0, data.length - 8));
            int version = in.readInt();
            if (version != 1 && version != SNAPSHOT_VERSION) {
                return false;
            }
            Map<Long, ProducerStateEntry> loaded = new HashMap<>();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                long producerId = in.readLong();
                short epoch = in.readShort();
                ProducerStateEntry entry = new ProducerStateEntry(producerId, epoch);
                long txnFirstOffset = version >= 2 ? in.readLong() : -1;
                int coordinatorEpoch = version >= 2 ? in.readInt() : -1;
                int batches = in.readInt();
                for (int b = 0; b < batches; b++) {
                    entry.add(epoch, new ProducerStateEntry.BatchMetadata(in.readInt(), in.readInt(),
                            in.readLong(), in.readLong(), in.readLong()));
                }
                entry.currentTxnFirstOffset = txnFirstOffset;
                entry.coordinatorEpoch = coordinatorEpoch;
                loaded.put(producerId, entry);
            }
            clear();
            producers.putAll(loaded);
            for (ProducerStateEntry entry : loaded.values()) {
                if (entry.currentTxnFirstOffset >= 0) {
                    undecided.put(entry.currentTxnFirstOffset, Long.MAX_VALUE);
                }
            }
            return true;
        } catch (IOException | CorruptRecordException e) {
            return false;
        }
    }
}
