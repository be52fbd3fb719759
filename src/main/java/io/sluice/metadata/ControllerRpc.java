package io.sluice.metadata;

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
 * requests that the leader's state machine answers in {@code query()}. Only broker heartbeats travel this way:
 * they are frequent and change nothing unless a session lapses, so writing them to the log would be waste.
 */
final class ControllerRpc {
    static final byte HEARTBEAT = 1;

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
