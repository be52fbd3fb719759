package io.sluice.group.offsets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The primitive fields of Kafka's fixed-layout __consumer_offsets keys and values: int16-length strings. */
final class RecordFields {
    private RecordFields() {
    }

    /** UTF-8 bytes of a string that must fit an int16 length. */
    static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("String of " + bytes.length + " bytes is too long for a "
                    + "__consumer_offsets record");
        }
        return bytes;
    }

    static void putString(ByteBuffer buf, byte[] bytes) {
        buf.putShort((short) bytes.length);
        buf.put(bytes);
    }

    /** A string, or null for a length of -1. */
    static String getString(ByteBuffer buf) {
        short length = buf.getShort();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buf.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
