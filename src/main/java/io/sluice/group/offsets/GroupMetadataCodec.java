package io.sluice.group.offsets;

import static io.sluice.group.offsets.RecordFields.getString;
import static io.sluice.group.offsets.RecordFields.putString;
import static io.sluice.group.offsets.RecordFields.utf8;

import io.sluice.group.GroupMetadata;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of a group metadata record in __consumer_offsets, in Kafka's layout so that the topic reads the same
 * to Kafka's tools. Key: version 2 (int16), group id (int16-length UTF-8). Value: version (int16), protocolType,
 * generation (int32), protocol and leader (nullable strings), currentStateTimestamp (int64, v2+), then the members
 * (int32 count), each: memberId, groupInstanceId (nullable, v3+), clientId, clientHost, rebalanceTimeout (int32,
 * v1+), sessionTimeout (int32), subscription and assignment (int32-length bytes). Version 3 is written; 0-3 are
 * read, older ones filling in what they lack as Kafka does (rebalance timeout = session timeout, no timestamp).
 */
final class GroupMetadataCodec {
    static final short GROUP_KEY_VERSION = 2;
    static final short VALUE_VERSION = 3;
    private static final short OLDEST_VALUE_VERSION = 0;

    private GroupMetadataCodec() {
    }

    /** Whether the key (positioned at its start) is a group metadata key rather than an offset commit key. */
    static boolean isGroupKey(ByteBuffer key) {
        return key.remaining() >= 2 && key.getShort(key.position()) == GROUP_KEY_VERSION;
    }

    static byte[] encodeKey(String groupId) {
        byte[] group = utf8(groupId);
        ByteBuffer buf = ByteBuffer.allocate(2 + 2 + group.length);
        buf.putShort(GROUP_KEY_VERSION);
        putString(buf, group);
        return buf.array();
    }

    /** The group id of a group metadata key. */
    static String decodeKey(ByteBuffer key) {
        ByteBuffer buf = key.duplicate();
        try {
            short version = buf.getShort();
            if (version != GROUP_KEY_VERSION) {
                throw new IllegalStateException("Not a group metadata key: version " + version);
            }
            return getString(buf);
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("Truncated group metadata key", e);
        }
    }

    static byte[] encodeValue(GroupMetadata group) {
        return encodeValue(group, VALUE_VERSION);
    }

    /** Older versions are written only by tests, to check that they are read as Kafka wrote them. */
    static byte[] encodeValue(GroupMetadata group, short version) {
        if (version < OLDEST_VALUE_VERSION || version > VALUE_VERSION) {
            throw new IllegalArgumentException("Unsupported group metadata value version " + version);
        }
        byte[] protocolType = utf8(group.protocolType() == null ? "" : group.protocolType());
        byte[] protocol = nullableUtf8(group.protocol());
        byte[] leader = nullableUtf8(group.leader());
        List<byte[][]> members = new ArrayList<>(group.members().size());
        int size = 2 + 2 + protocolType.length + 4 + 2 + length(protocol) + 2 + length(leader)
                + (version >= 2 ? 8 : 0) + 4;
        for (GroupMetadata.Member member : group.members()) {
            byte[][] strings = {utf8(member.memberId()), nullableUtf8(member.groupInstanceId()),
                    utf8(member.clientId()), utf8(member.clientHost())};
            members.add(strings);
            size += 2 + strings[0].length + (version >= 3 ? 2 + length(strings[1]) : 0)
                    + 2 + strings[2].length + 2 + strings[3].length + (version >= 1 ? 4 : 0) + 4
                    + 4 + bytes(member.subscription()).length + 4 + bytes(member.assignment()).length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putShort(version);
        putString(buf, protocolType);
        buf.putInt(group.generation());
        putNullableString(buf, protocol);
        putNullableString(buf, leader);
        if (version >= 2) {
            buf.putLong(group.currentStateTimestamp());
        }
        buf.putInt(group.members().size());
        for (int i = 0; i < members.size(); i++) {
            GroupMetadata.Member member = group.members().get(i);
            byte[][] strings = members.get(i);
            putString(buf, strings[0]);
            if (version >= 3) {
                putNullableString(buf, strings[1]);
            }
            putString(buf, strings[2]);
            putString(buf, strings[3]);
            if (version >= 1) {
                buf.putInt(member.rebalanceTimeoutMs());
            }
            buf.putInt(member.sessionTimeoutMs());
            putBytes(buf, bytes(member.subscription()));
            putBytes(buf, bytes(member.assignment()));
        }
        return buf.array();
    }

    /** Whether this codec reads the value's version (a later Kafka may have written a newer one). */
    static boolean isReadableValue(ByteBuffer value) {
        if (value.remaining() < 2) {
            return false;
        }
        short version = value.getShort(value.position());
        return version >= OLDEST_VALUE_VERSION && version <= VALUE_VERSION;
    }

    static GroupMetadata decodeValue(String groupId, ByteBuffer value) {
        ByteBuffer buf = value.duplicate();
        try {
            short version = buf.getShort();
            if (version < OLDEST_VALUE_VERSION || version > VALUE_VERSION) {
                throw new IllegalStateException("Unknown group metadata value version " + version);
            }
            String protocolType = getString(buf);
            int generation = buf.getInt();
            String protocol = getString(buf);
            String leader = getString(buf);
            long currentStateTimestamp = version >= 2 ? buf.getLong() : -1L;
            int count = buf.getInt();
            if (count < 0) {
                throw new IllegalStateException("Negative member count " + count);
            }
            List<GroupMetadata.Member> members = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                String memberId = getString(buf);
                String groupInstanceId = version >= 3 ? getString(buf) : null;
                String clientId = getString(buf);
                String clientHost = getString(buf);
                int rebalanceTimeoutMs = version >= 1 ? buf.getInt() : -1;
                int sessionTimeoutMs = buf.getInt();
                if (rebalanceTimeoutMs < 0) {
                    // Version 0 predates the rebalance timeout: the session timeout stood in for it.
                    rebalanceTimeoutMs = sessionTimeoutMs;
                }
                byte[] subscription = getBytes(buf);
                byte[] assignment = getBytes(buf);
                members.add(new GroupMetadata.Member(memberId, groupInstanceId, clientId, clientHost,
                        rebalanceTimeoutMs, sessionTimeoutMs, subscription, assignment));
            }
            return new GroupMetadata(groupId, protocolType, generation, protocol, leader, currentStateTimestamp,
                    members);
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("Truncated group metadata value of group " + groupId, e);
        }
    }

    private static byte[] bytes(byte[] value) {
        return value == null ? new byte[0] : value;
    }

    private static int length(byte[] nullable) {
        return nullable == null ? 0 : nullable.length;
    }

    private static byte[] nullableUtf8(String s) {
        return s == null ? null : utf8(s);
    }

    private static void putNullableString(ByteBuffer buf, byte[] bytes) {
        if (bytes == null) {
            buf.putShort((short) -1);
        } else {
            putString(buf, bytes);
        }
    }

    private static void putBytes(ByteBuffer buf, byte[] bytes) {
        buf.putInt(bytes.length);
        buf.put(bytes);
    }

    private static byte[] getBytes(ByteBuffer buf) {
        int length = buf.getInt();
        if (length < 0) {
            return new byte[0];
        }
        byte[] bytes = new byte[length];
        buf.get(bytes);
        return bytes;
    }
}
