package io.sluice.group.offsets;

import static io.sluice.group.offsets.RecordFields.getString;
import static io.sluice.group.offsets.RecordFields.putString;
import static io.sluice.group.offsets.RecordFields.utf8;

import io.sluice.group.consumer.ConsumerGroupRecord;
import io.sluice.group.consumer.ConsumerGroupRecord.ClassicMemberMetadata;
import io.sluice.group.consumer.ConsumerGroupRecord.ClassicProtocol;
import io.sluice.group.consumer.ConsumerGroupRecord.CurrentMemberAssignment;
import io.sluice.group.consumer.ConsumerGroupRecord.GroupEpoch;
import io.sluice.group.consumer.ConsumerGroupRecord.MemberMetadata;
import io.sluice.group.consumer.ConsumerGroupRecord.TargetAssignmentEpoch;
import io.sluice.group.consumer.ConsumerGroupRecord.TargetAssignmentMember;
import io.sluice.group.consumer.ConsumerGroupRecord.Tombstone;
import io.sluice.group.consumer.ConsumerGroupRecord.Type;
import io.sluice.group.consumer.MemberState;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.ByteUtils;

/**
 * Binary form of the KIP-848 consumer group records in __consumer_offsets, in Kafka's layout so that the topic reads
 * the same to Kafka's tools. Key (not flexible): the record type as an int16 version (3 group epoch, 5 member
 * metadata, 6 target assignment epoch, 7 target assignment member, 8 current member assignment), the group id and,
 * for a per-member type, the member id (int16-length strings). Value: version 0 (int16), then the flexible encoding
 * of Kafka's schema: compact strings, bytes and arrays, 16-byte uuids, big-endian integers and a tagged-field section
 * closing every struct, array elements included. Unknown tagged fields are skipped, so values of a later Kafka that
 * only added some (4.1's MetadataHash on the group epoch) still read. Type 4 (partition metadata, which Kafka 4.1
 * replaced by that hash) is read past and never written. Stateless: safe from any thread.
 */
final class ConsumerGroupRecordCodec {
    private static final short VALUE_VERSION = 0;
    private static final short FIRST_TYPE = 3;
    private static final short PARTITION_METADATA_TYPE = 4;
    private static final short LAST_TYPE = 8;
    private static final int CLASSIC_MEMBER_METADATA_TAG = 0;
    /**
     * What Kafka reads when the ClassicMemberMetadata field is absent: its generated code ignores the schema's
     * {@code "default": null} for a struct and defaults to an empty one, so null has to be written out (presence 0).
     */
    private static final ClassicMemberMetadata KAFKA_DEFAULT_CLASSIC = new ClassicMemberMetadata(0, List.of());
    /** Kafka's generated readers refuse longer strings; so do we, so that both sides reject the same bytes. */
    private static final int MAX_STRING_LENGTH = Short.MAX_VALUE;
    private static final int UUID_SIZE = 16;
    /** The least an array element can take: what lets a garbage count fail before it allocates. */
    private static final int MIN_STRING_SIZE = 1;
    private static final int MIN_TOPIC_PARTITIONS_SIZE = UUID_SIZE + 1 + 1;
    private static final int MIN_CLASSIC_PROTOCOL_SIZE = 1 + 1 + 1;

    private ConsumerGroupRecordCodec() {
    }

    /** Whether the key (positioned at its start) is one of a consumer group record, of a type known or not. */
    static boolean isConsumerGroupKey(ByteBuffer key) {
        if (key.remaining() < 2) {
            return false;
        }
        short type = key.getShort(key.position());
        return type >= FIRST_TYPE && type <= LAST_TYPE;
    }

    static byte[] encodeKey(ConsumerGroupRecord record) {
        Type type = record.type();
        byte[] group = utf8(required(record.groupId(), "group id"));
        byte[] member = type.perMember() ? utf8(required(record.memberId(), "member id")) : null;
        ByteBuffer buf = ByteBuffer.allocate(2 + 2 + group.length + (member == null ? 0 : 2 + member.length));
        buf.putShort(type.id());
        putString(buf, group);
        if (member != null) {
            putString(buf, member);
        }
        return buf.array();
    }

    /** The value, or null for a tombstone (a record without a value). */
    static byte[] encodeValue(ConsumerGroupRecord record) {
        if (record instanceof Tombstone) {
            return null;
        }
        Writer out = new Writer();
        out.int16(VALUE_VERSION);
        if (record instanceof GroupEpoch epoch) {
            out.int32(epoch.epoch());
            out.noTaggedFields();
        } else if (record instanceof MemberMetadata member) {
            writeMemberMetadata(out, member);
        } else if (record instanceof TargetAssignmentEpoch epoch) {
            out.int32(epoch.assignmentEpoch());
            out.noTaggedFields();
        } else if (record instanceof TargetAssignmentMember member) {
            writeTopicPartitions(out, member.partitions());
            out.noTaggedFields();
        } else if (record instanceof CurrentMemberAssignment current) {
            out.int32(current.memberEpoch());
            out.int32(current.previousMemberEpoch());
            out.int8(required(current.state(), "state").id());
            writeTopicPartitions(out, current.assignedPartitions());
            writeTopicPartitions(out, current.partitionsPendingRevocation());
            out.noTaggedFields();
        } else {
            throw new IllegalArgumentException("Unknown consumer group record " + record.getClass());
        }
        return out.toByteArray();
    }

    /**
     * The record of a consumer group key and its value: a tombstone when there is no value; null when the caller
     * should skip the record, for a partition metadata record or a value version this broker does not read.
     *
     * @throws IllegalStateException when the key is not a consumer group key or the bytes are truncated or corrupt
     */
    static ConsumerGroupRecord decode(ByteBuffer key, ByteBuffer valueOrNull) {
        ByteBuffer keyBuf = key.duplicate();
        short typeId;
        String groupId;
        String memberId = null;
        try {
            typeId = keyBuf.getShort();
            if (typeId < FIRST_TYPE || typeId > LAST_TYPE) {
                throw new IllegalStateException("Not a consumer group key: version " + typeId);
            }
            if (typeId == PARTITION_METADATA_TYPE) {
                return null;
            }
            groupId = requiredKeyString(keyBuf, "group id");
            if (typeOf(typeId).perMember()) {
                memberId = requiredKeyString(keyBuf, "member id");
            }
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("Truncated consumer group key", e);
        }
        Type type = typeOf(typeId);
        if (valueOrNull == null) {
            return new Tombstone(type, groupId, memberId);
        }
        String what = type + " value of group " + groupId + (memberId == null ? "" : " member " + memberId);
        Reader in = new Reader(valueOrNull.duplicate(), what);
        try {
            if (in.int16() != VALUE_VERSION) {
                return null;
            }
            return switch (type) {
                case GROUP_EPOCH -> {
                    int epoch = in.int32();
                    // Skips Kafka 4.1's MetadataHash (tag 0) among others: the domain record does not carry it.
                    in.skipTaggedFields();
                    yield new GroupEpoch(groupId, epoch);
                }
                case MEMBER_METADATA -> readMemberMetadata(in, groupId, memberId);
                case TARGET_ASSIGNMENT_EPOCH -> {
                    int epoch = in.int32();
                    in.skipTaggedFields();
                    yield new TargetAssignmentEpoch(groupId, epoch);
                }
                case TARGET_ASSIGNMENT_MEMBER -> {
                    Map<Uuid, Set<Integer>> partitions = readTopicPartitions(in, "TopicPartitions");
                    in.skipTaggedFields();
                    yield new TargetAssignmentMember(groupId, memberId, partitions);
                }
                case CURRENT_MEMBER_ASSIGNMENT -> {
                    int memberEpoch = in.int32();
                    int previousMemberEpoch = in.int32();
                    MemberState state = MemberState.fromId(in.int8());
                    Map<Uuid, Set<Integer>> assigned = readTopicPartitions(in, "AssignedPartitions");
                    Map<Uuid, Set<Integer>> pending = readTopicPartitions(in, "PartitionsPendingRevocation");
                    in.skipTaggedFields();
                    yield new CurrentMemberAssignment(groupId, memberId, memberEpoch, previousMemberEpoch, state,
                            assigned, pending);
                }
            };
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("Truncated " + what, e);
        } catch (IllegalArgumentException e) {
            // ByteUtils' verdict on a varint of more than five bytes.
            throw new IllegalStateException("Corrupt " + what + ": " + e.getMessage(), e);
        }
    }

    private static void writeMemberMetadata(Writer out, MemberMetadata member) {
        out.compactString(member.instanceId(), true, "InstanceId");
        out.compactString(member.rackId(), true, "RackId");
        out.compactString(member.clientId(), false, "ClientId");
        out.compactString(member.clientHost(), false, "ClientHost");
        out.arrayLength(member.subscribedTopicNames().size());
        for (String topic : member.subscribedTopicNames()) {
            out.compactString(topic, false, "SubscribedTopicNames");
        }
        out.compactString(member.subscribedTopicRegex(), true, "SubscribedTopicRegex");
        out.int32(member.rebalanceTimeoutMs());
        out.compactString(member.serverAssignor(), true, "ServerAssignor");
        ClassicMemberMetadata classic = member.classicProtocols();
        if (KAFKA_DEFAULT_CLASSIC.equals(classic)) {
            // A tagged field at its default is left out; Kafka does so with this one, so the bytes stay Kafka's.
            out.noTaggedFields();
            return;
        }
        out.unsignedVarint(1);
        out.unsignedVarint(CLASSIC_MEMBER_METADATA_TAG);
        if (classic == null) {
            // Written, not left out: an absent field would read as the default, a classic member.
            out.unsignedVarint(1);
            out.unsignedVarint(0);
            return;
        }
        Writer struct = new Writer();
        struct.int32(classic.sessionTimeoutMs());
        struct.arrayLength(classic.supportedProtocols().size());
        for (ClassicProtocol protocol : classic.supportedProtocols()) {
            struct.compactString(protocol.name(), false, "SupportedProtocols.Name");
            struct.compactBytes(required(protocol.metadata(), "SupportedProtocols.Metadata"));
            struct.noTaggedFields();
        }
        struct.noTaggedFields();
        byte[] structBytes = struct.toByteArray();
        // A nullable struct carries a presence varint (1) before its fields, counted in the field's size.
        out.unsignedVarint(1 + structBytes.length);
        out.unsignedVarint(1);
        out.raw(structBytes);
    }

    private static MemberMetadata readMemberMetadata(Reader in, String groupId, String memberId) {
        String instanceId = in.compactString(true, "InstanceId");
        String rackId = in.compactString(true, "RackId");
        String clientId = in.compactString(false, "ClientId");
        String clientHost = in.compactString(false, "ClientHost");
        int topicCount = in.arrayLength(MIN_STRING_SIZE, "SubscribedTopicNames");
        List<String> topics = new ArrayList<>(topicCount);
        for (int i = 0; i < topicCount; i++) {
            topics.add(in.compactString(false, "SubscribedTopicNames"));
        }
        String regex = in.compactString(true, "SubscribedTopicRegex");
        int rebalanceTimeoutMs = in.int32();
        String serverAssignor = in.compactString(true, "ServerAssignor");
        ByteBuffer classicField = in.taggedFields(CLASSIC_MEMBER_METADATA_TAG);
        ClassicMemberMetadata classic = classicField == null ? KAFKA_DEFAULT_CLASSIC
                : readClassic(in.nested(classicField));
        return new MemberMetadata(groupId, memberId, instanceId, rackId, clientId, clientHost, topics, regex,
                rebalanceTimeoutMs, serverAssignor, classic);
    }

    private static ClassicMemberMetadata readClassic(Reader in) {
        if (in.unsignedVarint() <= 0) {
            return null;
        }
        int sessionTimeoutMs = in.int32();
        int count = in.arrayLength(MIN_CLASSIC_PROTOCOL_SIZE, "SupportedProtocols");
        List<ClassicProtocol> protocols = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = in.compactString(false, "SupportedProtocols.Name");
            byte[] metadata = in.compactBytes("SupportedProtocols.Metadata");
            in.skipTaggedFields();
            protocols.add(new ClassicProtocol(name, metadata));
        }
        in.skipTaggedFields();
        return new ClassicMemberMetadata(sessionTimeoutMs, protocols);
    }

    private static void writeTopicPartitions(Writer out, Map<Uuid, Set<Integer>> partitions) {
        // Sorted so that equal assignments are equal bytes, whatever the map's iteration order.
        Map<Uuid, Set<Integer>> sorted = new TreeMap<>(partitions);
        out.arrayLength(sorted.size());
        sorted.forEach((topicId, topicPartitions) -> {
            out.uuid(topicId);
            out.arrayLength(topicPartitions.size());
            for (int partition : topicPartitions) {
                out.int32(partition);
            }
            out.noTaggedFields();
        });
    }

    private static Map<Uuid, Set<Integer>> readTopicPartitions(Reader in, String field) {
        int topicCount = in.arrayLength(MIN_TOPIC_PARTITIONS_SIZE, field);
        // Kafka never writes a topic twice; merging keeps both halves should another writer have.
        Map<Uuid, Set<Integer>> partitions = new LinkedHashMap<>();
        for (int t = 0; t < topicCount; t++) {
            Uuid topicId = in.uuid();
            int count = in.arrayLength(Integer.BYTES, field + ".Partitions");
            Set<Integer> topicPartitions = partitions.computeIfAbsent(topicId, id -> new TreeSet<>());
            for (int p = 0; p < count; p++) {
                topicPartitions.add(in.int32());
            }
            in.skipTaggedFields();
        }
        return partitions;
    }

    private static Type typeOf(short id) {
        for (Type type : Type.values()) {
            if (type.id() == id) {
                return type;
            }
        }
        throw new IllegalStateException("No consumer group record type " + id);
    }

    private static String requiredKeyString(ByteBuffer buf, String field) {
        String value = getString(buf);
        if (value == null) {
            throw new IllegalStateException("Consumer group key with a null " + field);
        }
        return value;
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("Non-nullable field " + field + " is null");
        }
        return value;
    }

    /** A growing buffer for a value whose size is known only once its nested structs are written. */
    private static final class Writer {
        private ByteBuffer buf = ByteBuffer.allocate(64);

        void int8(byte value) {
            room(1).put(value);
        }

        void int16(short value) {
            room(2).putShort(value);
        }

        void int32(int value) {
            room(4).putInt(value);
        }

        void uuid(Uuid value) {
            room(UUID_SIZE).putLong(value.getMostSignificantBits()).putLong(value.getLeastSignificantBits());
        }

        void unsignedVarint(int value) {
            ByteUtils.writeUnsignedVarint(value, room(ByteUtils.sizeOfUnsignedVarint(value)));
        }

        void arrayLength(int count) {
            unsignedVarint(count + 1);
        }

        void compactString(String value, boolean nullable, String field) {
            if (value == null) {
                if (!nullable) {
                    throw new IllegalArgumentException("Non-nullable field " + field + " is null");
                }
                unsignedVarint(0);
                return;
            }
            byte[] bytes = utf8(value);
            unsignedVarint(bytes.length + 1);
            raw(bytes);
        }

        void compactBytes(byte[] value) {
            unsignedVarint(value.length + 1);
            raw(value);
        }

        void raw(byte[] bytes) {
            room(bytes.length).put(bytes);
        }

        /** Sluice writes no tagged fields but the classic member metadata, which has its own path. */
        void noTaggedFields() {
            unsignedVarint(0);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf.array(), buf.position());
        }

        private ByteBuffer room(int bytes) {
            if (buf.remaining() < bytes) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + bytes));
                bigger.put(buf.flip());
                buf = bigger;
            }
            return buf;
        }
    }

    /**
     * Reads a value's fields, rejecting lengths and counts the bytes cannot hold; a read past the end surfaces as
     * {@link BufferUnderflowException}, which {@link #decode} turns into an {@link IllegalStateException}.
     */
    private static final class Reader {
        private final ByteBuffer buf;
        private final String what;

        Reader(ByteBuffer buf, String what) {
            this.buf = buf;
            this.what = what;
        }

        /** A reader of a tagged field's bytes, which its struct must not overrun. */
        Reader nested(ByteBuffer field) {
            return new Reader(field, what);
        }

        byte int8() {
            return buf.get();
        }

        short int16() {
            return buf.getShort();
        }

        int int32() {
            return buf.getInt();
        }

        Uuid uuid() {
            return new Uuid(buf.getLong(), buf.getLong());
        }

        int unsignedVarint() {
            return ByteUtils.readUnsignedVarint(buf);
        }

        String compactString(boolean nullable, String field) {
            int prefix = unsignedVarint();
            if (prefix == 0) {
                if (!nullable) {
                    throw corrupt("non-nullable " + field + " is null");
                }
                return null;
            }
            if (prefix < 0 || prefix - 1 > MAX_STRING_LENGTH) {
                throw corrupt(field + " has length prefix " + Integer.toUnsignedString(prefix));
            }
            return new String(bytes(prefix - 1, field), StandardCharsets.UTF_8);
        }

        byte[] compactBytes(String field) {
            int prefix = unsignedVarint();
            if (prefix <= 0) {
                throw corrupt((prefix == 0 ? "non-nullable " + field + " is null"
                        : field + " has length prefix " + Integer.toUnsignedString(prefix)));
            }
            return bytes(prefix - 1, field);
        }

        /** The element count of a non-nullable array whose elements take at least minElementSize bytes. */
        int arrayLength(int minElementSize, String field) {
            int prefix = unsignedVarint();
            if (prefix == 0) {
                throw corrupt("non-nullable array " + field + " is null");
            }
            if (prefix < 0 || (long) (prefix - 1) * minElementSize > buf.remaining()) {
                throw corrupt("array " + field + " claims " + Integer.toUnsignedString(prefix - 1) + " elements in "
                        + buf.remaining() + " bytes");
            }
            return prefix - 1;
        }

        /**
         * Reads a struct's tagged-field section: the bytes of the field with the given tag (null when absent), the
         * others skipped, being what a later Kafka added.
         */
        ByteBuffer taggedFields(int knownTag) {
            int count = unsignedVarint();
            if (count < 0 || count > buf.remaining()) {
                throw corrupt("claims " + Integer.toUnsignedString(count) + " tagged fields in " + buf.remaining()
                        + " bytes");
            }
            ByteBuffer known = null;
            for (int i = 0; i < count; i++) {
                int tag = unsignedVarint();
                int size = unsignedVarint();
                if (size < 0 || size > buf.remaining()) {
                    throw corrupt("tagged field " + Integer.toUnsignedString(tag) + " of "
                            + Integer.toUnsignedString(size) + " bytes in " + buf.remaining());
                }
                if (tag == knownTag) {
                    known = buf.slice(buf.position(), size);
                }
                buf.position(buf.position() + size);
            }
            return known;
        }

        void skipTaggedFields() {
            taggedFields(-1);
        }

        private byte[] bytes(int length, String field) {
            if (length > buf.remaining()) {
                throw new IllegalStateException("Truncated " + what + ": " + field + " of " + length + " bytes in "
                        + buf.remaining());
            }
            byte[] bytes = new byte[length];
            buf.get(bytes);
            return bytes;
        }

        private IllegalStateException corrupt(String detail) {
            return new IllegalStateException("Corrupt " + what + ": " + detail);
        }
    }
}
