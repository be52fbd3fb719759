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
import java.util.zip.CRC32;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Idempotent producer bookkeeping for one partition: epochs and the last batches of each producer,
 * used to reject fenced or out-of-order batches and to answer retried batches without rewriting
 * them. Not thread-safe: the owning Log calls it under its append lock.
 */
final class ProducerStateManager {
    static final String SNAPSHOT_SUFFIX = ".snapshot";
    private static final int SNAPSHOT_VERSION = 1;

    private final Map<Long, ProducerStateEntry> producers = new HashMap<>();

    /** Outcome of checking one batch: null when it is new, else the batch it duplicates. */
    ProducerStateEntry.BatchMetadata check(RecordBatch batch, Map<Long, ProducerStateEntry> pending) {
        long producerId = batch.producerId();
        ProducerStateEntry entry = pending.containsKey(producerId) ? pending.get(producerId) : producers.get(producerId);
        if (entry == null) {
            // Unknown producer (new, or its state fell off the log): accept any sequence, as Kafka does.
            return null;
        }
        short epoch = batch.producerEpoch();
        if (epoch < entry.epoch()) {
            throw new InvalidProducerEpochException("Epoch " + epoch + " of producer " + producerId
                    + " is older than the current epoch " + entry.epoch());
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

    /** Stages a batch that passed {@link #check} so later batches of the same request see it. */
    static void stage(Map<Long, ProducerStateEntry> pending, Map<Long, ProducerStateEntry> committed,
                      long producerId, short epoch, ProducerStateEntry.BatchMetadata batch) {
        ProducerStateEntry entry = pending.get(producerId);
        if (entry == null) {
            ProducerStateEntry current = committed.get(producerId);
            entry = current == null ? new ProducerStateEntry(producerId, epoch) : current.copy();
            pending.put(producerId, entry);
        }
        entry.add(epoch, batch);
    }

    Map<Long, ProducerStateEntry> committedView() {
        return producers;
    }

    void commit(Map<Long, ProducerStateEntry> pending) {
        producers.putAll(pending);
    }

    /** Replays a batch header found in the log (recovery), without validation. */
    void replay(BatchHeader header) {
        if (header.producerId < 0 || header.control) {
            return;
        }
        ProducerStateEntry entry = producers.computeIfAbsent(header.producerId,
                id -> new ProducerStateEntry(id, header.producerEpoch));
        if (header.producerEpoch < entry.epoch()) {
            return;
        }
        entry.add(header.producerEpoch, new ProducerStateEntry.BatchMetadata(header.baseSequence,
                header.lastSequence, header.baseOffset, header.lastOffset, header.maxTimestamp));
    }

    List<ProducerInfo> activeProducers() {
        List<ProducerInfo> result = new ArrayList<>(producers.size());
        for (ProducerStateEntry entry : producers.values()) {
            result.add(new ProducerInfo(entry.producerId, entry.epoch(), entry.lastSequence(),
                    entry.lastTimestamp(), -1L));
        }
        return result;
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
            if (in.readInt() != SNAPSHOT_VERSION) {
                return false;
            }
            Map<Long, ProducerStateEntry> loaded = new HashMap<>();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                long producerId = in.readLong();
                short epoch = in.readShort();
                ProducerStateEntry entry = new ProducerStateEntry(producerId, epoch);
                int batches = in.readInt();
                for (int b = 0; b < batches; b++) {
                    entry.add(epoch, new ProducerStateEntry.BatchMetadata(in.readInt(), in.readInt(),
                            in.readLong(), in.readLong(), in.readLong()));
                }
                loaded.put(producerId, entry);
            }
            producers.clear();
            producers.putAll(loaded);
            return true;
        } catch (IOException | CorruptRecordException e) {
            return false;
        }
    }
}
