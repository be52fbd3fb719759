package io.sluice.metadata;

import io.sluice.metadata.MetadataRecord.BrokerFencing;
import io.sluice.metadata.MetadataRecord.ClusterIdRecord;
import io.sluice.metadata.MetadataRecord.ConfigRecord;
import io.sluice.metadata.MetadataRecord.GroupConfigRecord;
import io.sluice.metadata.MetadataRecord.PartitionRecord;
import io.sluice.metadata.MetadataRecord.ProducerIdBlock;
import io.sluice.metadata.MetadataRecord.RegisterBroker;
import io.sluice.metadata.MetadataRecord.RemoveTopic;
import io.sluice.metadata.MetadataRecord.TopicRecord;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * Compact binary form of metadata records. Each record starts with a type byte and a version byte so a record
 * type can evolve on its own; a batch is a format byte, a count and the records. Strings are length-prefixed
 * UTF-8 (-1 for null) because config values may exceed DataOutput#writeUTF's 64 KiB limit.
 */
public final class MetadataRecordCodec {
    static final byte BATCH_FORMAT = 0;
    /** A batch that also names the controller term it was computed in (see {@link MetadataCommand}). */
    static final byte COMMAND_FORMAT = 1;

    private static final byte CLUSTER_ID = 0;
    private static final byte REGISTER_BROKER = 1;
    private static final byte BROKER_FENCING = 2;
    private static final byte TOPIC = 3;
    private static final byte PARTITION = 4;
    private static final byte CONFIG = 5;
    private static final byte REMOVE_TOPIC = 6;
    private static final byte PRODUCER_ID_BLOCK = 7;
    private static final byte GROUP_CONFIG = 8;

    private static final byte VERSION_0 = 0;
    /** RegisterBroker with the incarnation id; PartitionRecord with adding and removing replicas. */
    private static final byte VERSION_1 = 1;

    private MetadataRecordCodec() {
    }

    public static byte[] encodeBatch(List<? extends MetadataRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * Math.max(1, records.size()));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeBatch(out, records);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A batch with the controller term it was computed in; a negative term means "any term". */
    public static byte[] encodeCommand(List<? extends MetadataRecord> records, long controllerTerm) {
        if (controllerTerm < 0) {
            return encodeBatch(records);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 64 * Math.max(1, records.size()));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(COMMAND_FORMAT);
            out.writeLong(controllerTerm);
            writeBatch(out, records);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads what {@link #encodeCommand} or {@link #encodeBatch} wrote. */
    public static MetadataCommand decodeCommand(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(stream));
        in.mark(1);
        byte format = in.readByte();
        if (format == COMMAND_FORMAT) {
            long term = in.readLong();
            return new MetadataCommand(term, readBatch(in));
        }
        in.reset();
        return new MetadataCommand(-1L, readBatch(in));
    }

    public static List<MetadataRecord> decodeBatch(byte[] bytes) throws IOException {
        return decodeBatch(new java.io.ByteArrayInputStream(bytes));
    }

    public static List<MetadataRecord> decodeBatch(InputStream in) throws IOException {
        return readBatch(new DataInputStream(in));
    }

    static void writeBatch(DataOutput out, List<? extends MetadataRecord> records) throws IOException {
        out.writeByte(BATCH_FORMAT);
        out.writeInt(records.size());
        for (MetadataRecord record : records) {
            write(out, record);
        }
    }

    static List<MetadataRecord> readBatch(DataInput in) throws IOException {
        byte format = in.readByte();
        if (format != BATCH_FORMAT) {
            throw new IOException("Unknown metadata batch format " + format);
        }
        int count = in.readInt();
        if (count < 0) {
            throw new IOException("Negative metadata record count " + count);
        }
        List<MetadataRecord> records = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            records.add(read(in));
        }
        return records;
    }

    static void write(DataOutput out, MetadataRecord record) throws IOException {
        if (record instanceof ClusterIdRecord r) {
            header(out, CLUSTER_ID);
            writeString(out, r.clusterId());
        } else if (record instanceof RegisterBroker r) {
            out.writeByte(REGISTER_BROKER);
            out.writeByte(VERSION_1);
            out.writeInt(r.brokerId());
            writeString(out, r.host());
            out.writeInt(r.port());
            writeString(out, r.rack());
            writeUuid(out, r.incarnationId());
        } else if (record instanceof BrokerFencing r) {
            header(out, BROKER_FENCING);
            out.writeInt(r.brokerId());
            out.writeBoolean(r.fenced());
        } else if (record instanceof TopicRecord r) {
            header(out, TOPIC);
            writeString(out, r.name());
            writeUuid(out, r.topicId());
        } else if (record instanceof PartitionRecord r) {
            // Version 0 unless a reassignment runs: most partition records keep their old, shorter form.
            out.writeByte(PARTITION);
            out.writeByte(r.reassigning() ? VERSION_1 : VERSION_0);
            writeUuid(out, r.topicId());
            out.writeInt(r.partition());
            writeIntList(out, r.replicas());
            writeIntList(out, r.isr());
            out.writeInt(r.leader());
            out.writeInt(r.leaderEpoch());
            out.writeInt(r.partitionEpoch());
            if (r.reassigning()) {
                writeIntList(out, r.addingReplicas());
                writeIntList(out, r.removingReplicas());
            }
        } else if (record instanceof ConfigRecord r) {
            header(out, CONFIG);
            writeUuid(out, r.topicId());
            writeString(out, r.key());
            writeString(out, r.value());
        } else if (record instanceof GroupConfigRecord r) {
            header(out, GROUP_CONFIG);
            writeString(out, r.groupId());
            writeString(out, r.key());
            writeString(out, r.value());
        } else if (record instanceof RemoveTopic r) {
            header(out, REMOVE_TOPIC);
            writeUuid(out, r.topicId());
        } else if (record instanceof ProducerIdBlock r) {
            header(out, PRODUCER_ID_BLOCK);
            out.writeInt(r.brokerId());
            out.writeLong(r.firstId());
            out.writeInt(r.size());
        } else {
            throw new IllegalArgumentException("Unknown metadata record " + record);
        }
    }

    static MetadataRecord read(DataInput in) throws IOException {
        byte type = in.readByte();
        byte version = in.readByte();
        if (type == REGISTER_BROKER && version == VERSION_1) {
            return new RegisterBroker(in.readInt(), readString(in), in.readInt(), readString(in), readUuid(in));
        }
        if (type == PARTITION && version == VERSION_1) {
            return new PartitionRecord(readUuid(in), in.readInt(), readIntList(in), readIntList(in), in.readInt(),
                    in.readInt(), in.readInt(), readIntList(in), readIntList(in));
        }
        if (version != VERSION_0) {
            throw new IOException("Unsupported version " + version + " of metadata record type " + type);
        }
        return switch (type) {
            case CLUSTER_ID -> new ClusterIdRecord(readString(in));
            case REGISTER_BROKER -> new RegisterBroker(in.readInt(), readString(in), in.readInt(), readString(in));
            case BROKER_FENCING -> new BrokerFencing(in.readInt(), in.readBoolean());
            case TOPIC -> new TopicRecord(readString(in), readUuid(in));
            case PARTITION -> new PartitionRecord(readUuid(in), in.readInt(), readIntList(in), readIntList(in),
                    in.readInt(), in.readInt(), in.readInt());
            case CONFIG -> new ConfigRecord(readUuid(in), readString(in), readString(in));
            case GROUP_CONFIG -> new GroupConfigRecord(readString(in), readString(in), readString(in));
            case REMOVE_TOPIC -> new RemoveTopic(readUuid(in));
            case PRODUCER_ID_BLOCK -> new ProducerIdBlock(in.readInt(), in.readLong(), in.readInt());
            default -> throw new IOException("Unknown metadata record type " + type);
        };
    }

    private static void header(DataOutput out, byte type) throws IOException {
        out.writeByte(type);
        out.writeByte(VERSION_0);
    }

    private static void writeString(DataOutput out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static void writeUuid(DataOutput out, Uuid id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static Uuid readUuid(DataInput in) throws IOException {
        return new Uuid(in.readLong(), in.readLong());
    }

    private static void writeIntList(DataOutput out, List<Integer> values) throws IOException {
        out.writeInt(values.size());
        for (int value : values) {
            out.writeInt(value);
        }
    }

    private static List<Integer> readIntList(DataInput in) throws IOException {
        int size = in.readInt();
        if (size < 0) {
            throw new IOException("Negative list size " + size);
        }
        Integer[] values = new Integer[size];
        for (int i = 0; i < size; i++) {
            values[i] = in.readInt();
        }
        return List.of(values);
    }
}
