package io.sluice.quorum;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * The messages a node sends to the active controller outside the metadata log, carried as Ratis read-only
 * requests that the leader's state machine answers in {@code query()}: broker heartbeats, which are frequent and
 * change nothing unless a session lapses, so writing them to the log would be waste, and DescribeQuorum, which
 * only the leader can answer with its followers' progress.
 */
final class ControllerRpc {
    static final byte HEARTBEAT = 1;
    static final byte DESCRIBE_QUORUM = 2;

    private ControllerRpc() {
    }

    record Heartbeat(int brokerId, Uuid incarnationId) {
    }

    static byte[] encodeHeartbeat(int brokerId, Uuid incarnationId) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(21);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(HEARTBEAT);
            out.writeInt(brokerId);
            out.writeLong(incarnationId.getMostSignificantBits());
            out.writeLong(incarnationId.getLeastSignificantBits());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Throws IOException for anything but a well-formed heartbeat. */
    static Heartbeat decodeHeartbeat(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte type = in.readByte();
            if (type != HEARTBEAT) {
                throw new IOException("Unknown controller request type " + type);
            }
            return new Heartbeat(in.readInt(), new Uuid(in.readLong(), in.readLong()));
        }
    }

    static byte[] encodeDescribeQuorum() {
        return new byte[] {DESCRIBE_QUORUM};
    }

    static boolean isDescribeQuorum(byte[] request) {
        return request.length == 1 && request[0] == DESCRIBE_QUORUM;
    }

    static byte[] encodeQuorum(QuorumDescription quorum) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(quorum.leaderId());
            out.writeLong(quorum.leaderEpoch());
            out.writeLong(quorum.highWatermark());
            writeReplicas(out, quorum.voters());
            writeReplicas(out, quorum.observers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static QuorumDescription decodeQuorum(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return new QuorumDescription(in.readInt(), in.readLong(), in.readLong(), readReplicas(in),
                    readReplicas(in));
        }
    }

    private static void writeReplicas(DataOutputStream out, java.util.List<QuorumDescription.Replica> replicas)
            throws IOException {
        out.writeInt(replicas.size());
        for (QuorumDescription.Replica r : replicas) {
            out.writeInt(r.replicaId());
            out.writeLong(r.logEndOffset());
            out.writeLong(r.lastFetchTimestamp());
            out.writeLong(r.lastCaughtUpTimestamp());
            out.writeBoolean(r.host() != null);
            if (r.host() != null) {
                out.writeUTF(r.host());
            }
            out.writeInt(r.port());
        }
    }

    private static java.util.List<QuorumDescription.Replica> readReplicas(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > 10_000) {
            throw new IOException("Implausible replica count " + count);
        }
        java.util.List<QuorumDescription.Replica> replicas = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int id = in.readInt();
            long logEnd = in.readLong();
            long lastFetch = in.readLong();
            long caughtUp = in.readLong();
            String host = in.readBoolean() ? in.readUTF() : null;
            replicas.add(new QuorumDescription.Replica(id, logEnd, lastFetch, caughtUp, host, in.readInt()));
        }
        return replicas;
    }

    static byte[] encodeError(Errors error) {
        short code = error.code();
        return new byte[] {(byte) (code >> 8), (byte) code};
    }

    static Errors decodeError(byte[] bytes) {
        if (bytes.length != 2) {
            return Errors.UNKNOWN_SERVER_ERROR;
        }
        return Errors.forCode((short) (((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff)));
    }
}
