package io.sluice.quorum;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/** The state machine's answer to one proposed batch: NONE, or the Kafka error that rejected it. */
record ApplyReply(Errors error, String message) {
    static final ApplyReply OK = new ApplyReply(Errors.NONE, null);

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeShort(error.code());
            out.writeBoolean(message != null);
            if (message != null) {
                out.writeUTF(message);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ApplyReply fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            Errors error = Errors.forCode(in.readShort());
            String message = in.readBoolean() ? in.readUTF() : null;
            return new ApplyReply(error, message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null when the batch was applied. */
    ApiException exception() {
        return error == Errors.NONE ? null : error.exception(message);
    }
}
