package io.sluice.group.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * KIP-848 consumer group records against Kafka's ConsumerGroup*Key/Value schemas. The golden vectors are written
 * byte by byte from the schemas, independently of the codec (they were also checked once against Kafka 4.1's own
 * record serde; that server-side module stays out of the tests).
 */
class ConsumerGroupRecordCodecTest {
    private static final Uuid TOPIC_A = new Uuid(1L, 2L);
    private static final Uuid TOPIC_B = new Uuid(0x0123456789abcdefL, 0xfedcba9876543210L);

    private static final MemberMetadata FULL_MEMBER = new MemberMetadata("grüppe", "member-1", "instance-1", "rack-1",
            "client-1", "/10.0.0.1", List.of("orders", "payments"), "^logs-.*", 30_000, "uniform", null);
    private static final MemberMetadata BARE_MEMBER = new MemberMetadata("g", "m", null, null, "c", "h", List.of(),
            null, -1, null, null);
    private static final MemberMetadata CLASSIC_MEMBER = new MemberMetadata("g", "m", null, "rack", "c", "h",
            List.of("t"), null, 60_000, null, new ClassicMemberMetadata(45_000, List.of(
                    new ClassicProtocol("range", new byte[] {1, 2, 3}),
                    new ClassicProtocol("cooperative-sticky", new byte[0]))));
    private static final CurrentMemberAssignment CURRENT = new CurrentMemberAssignment("g", "m", 10, 9,
            MemberState.UNREVOKED_PARTITIONS, Map.of(TOPIC_A, Set.of(3, 0), TOPIC_B, Set.of(7)),
            Map.of(TOPIC_B, Set.of(1, 2)));

    static Stream<ConsumerGroupRecord> records() {
        return Stream.of(
                new GroupEpoch("grüppe", 5),
                new GroupEpoch("g", 0),
                FULL_MEMBER,
                BARE_MEMBER,
                CLASSIC_MEMBER,
                new MemberMetadata("g", "m", null, null, "c", "h", List.of(), null, 1, null,
                        new ClassicMemberMetadata(10, List.of())),
                new MemberMetadata("g", "m", null, null, "c", "h", List.of(), null, 1, null,
                        new ClassicMemberMetadata(0, List.of())),
                new TargetAssignmentEpoch("g", 42),
                new TargetAssignmentMember("g", "m", Map.of(TOPIC_A, Set.of(0, 1, 2), TOPIC_B, Set.of(5))),
                new TargetAssignmentMember("g", "m", Map.of()),
                CURRENT,
                new CurrentMemberAssignment("g", "m", 1, 0, MemberState.STABLE, Map.of(), Map.of()),
                new CurrentMemberAssignment("g", "m", 3, 2, MemberState.UNRELEASED_PARTITIONS,
                        Map.of(TOPIC_A, Set.of(4)), Map.of()));
    }

    static Stream<Tombstone> tombstones() {
        return Arrays.stream(Type.values()).map(type -> new Tombstone(type, "grüppe", type.perMember() ? "m" : null));
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyRecordRoundTrips(ConsumerGroupRecord record) {
        byte[] key = ConsumerGroupRecordCodec.encodeKey(record);
        byte[] value = ConsumerGroupRecordCodec.encodeValue(record);

        assertThat(ConsumerGroupRecordCodec.isConsumerGroupKey(ByteBuffer.wrap(key))).isTrue();
        assertThat(ConsumerGroupRecordCodec.decode(ByteBuffer.wrap(key), ByteBuffer.wrap(value)))
                .usingRecursiveComparison().isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("tombstones")
    void tombstonesHaveNoValueAndDecodeFromTheKeyAlone(Tombstone tombstone) {
        byte[] key = ConsumerGroupRecordCodec.encodeKey(tombstone);

        assertThat(ConsumerGroupRecordCodec.encodeValue(tombstone)).isNull();
        assertThat(ConsumerGroupRecordCodec.decode(ByteBuffer.wrap(key), null)).isEqualTo(tombstone);
    }

    @Test
    void aTombstoneHasTheKeyOfTheRecordItRemoves() {
        assertThat(ConsumerGroupRecordCodec.encodeKey(new Tombstone(Type.MEMBER_METADATA, "g", "m")))
                .isEqualTo(ConsumerGroupRecordCodec.encodeKey(BARE_MEMBER));
        assertThat(ConsumerGroupRecordCodec.encodeKey(new Tombstone(Type.GROUP_EPOCH, "g", null)))
                .isEqualTo(ConsumerGroupRecordCodec.encodeKey(new GroupEpoch("g", 9)));
    }

    @Test
    void keysAreTheTypeThenInt16LengthStrings() {
        assertThat(ConsumerGroupRecordCodec.encodeKey(new GroupEpoch("g", 5)))
                .isEqualTo(bytes(0x00, 0x03, 0x00, 0x01, "g"));
        assertThat(ConsumerGroupRecordCodec.encodeKey(new TargetAssignmentEpoch("grp", 5)))
                .isEqualTo(bytes(0x00, 0x06, 0x00, 0x03, "grp"));
        assertThat(ConsumerGroupRecordCodec.encodeKey(BARE_MEMBER))
                .isEqualTo(bytes(0x00, 0x05, 0x00, 0x01, "g", 0x00, 0x01, "m"));
        assertThat(ConsumerGroupRecordCodec.encodeKey(new TargetAssignmentMember("g", "m", Map.of())))
                .isEqualTo(bytes(0x00, 0x07, 0x00, 0x01, "g", 0x00, 0x01, "m"));
        assertThat(ConsumerGroupRecordCodec.encodeKey(CURRENT))
                .isEqualTo(bytes(0x00, 0x08, 0x00, 0x01, "g", 0x00, 0x01, "m"));
    }

    @Test
    void groupEpochValueIsVersionEpochAndNoTaggedFields() {
        byte[] golden = bytes(0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00);

        assertThat(ConsumerGroupRecordCodec.encodeValue(new GroupEpoch("g", 5))).isEqualTo(golden);
        assertThat(ConsumerGroupRecordCodec.decode(key(0x03, "g"), ByteBuffer.wrap(golden)))
                .isEqualTo(new GroupEpoch("g", 5));
    }

    @Test
    void memberMetadataValueIsKafkasLayout() {
        MemberMetadata member = new MemberMetadata("g", "m", null, "r", "c", "h", List.of("t"), null, 30_000,
                "uniform", null);
        byte[] golden = bytes(
                0x00, 0x00,                 // value version 0
                0x00,                       // InstanceId: null
                0x02, "r",                  // RackId
                0x02, "c",                  // ClientId
                0x02, "h",                  // ClientHost
                0x02, 0x02, "t",            // SubscribedTopicNames: one element
                0x00,                       // SubscribedTopicRegex: null
                0x00, 0x00, 0x75, 0x30,     // RebalanceTimeoutMs 30000
                0x08, "uniform",            // ServerAssignor
                0x01,                       // one tagged field:
                0x00, 0x01, 0x00);          // ClassicMemberMetadata (tag 0, 1 byte), null

        assertThat(ConsumerGroupRecordCodec.encodeValue(member)).isEqualTo(golden);
        assertThat(ConsumerGroupRecordCodec.decode(key(0x05, "g", "m"), ByteBuffer.wrap(golden)))
                .usingRecursiveComparison().isEqualTo(member);
    }

    @Test
    void classicMemberMetadataIsTaggedFieldZeroWithAPresenceMarker() {
        MemberMetadata member = new MemberMetadata("g", "m", "i", null, "c", "h", List.of(), null, -1, null,
                new ClassicMemberMetadata(45_000, List.of(new ClassicProtocol("range", new byte[] {1, 2}))));
        byte[] golden = bytes(
                0x00, 0x00,                 // value version 0
                0x02, "i",                  // InstanceId
                0x00,                       // RackId: null
                0x02, "c",                  // ClientId
                0x02, "h",                  // ClientHost
                0x01,                       // SubscribedTopicNames: empty
                0x00,                       // SubscribedTopicRegex: null
                0xff, 0xff, 0xff, 0xff,     // RebalanceTimeoutMs -1
                0x00,                       // ServerAssignor: null
                0x01,                       // one tagged field
                0x00, 0x11,                 // tag 0, 17 bytes
                0x01,                       // the nullable struct is present
                0x00, 0x00, 0xaf, 0xc8,     // SessionTimeoutMs 45000
                0x02,                       // SupportedProtocols: one element
                0x06, "range",              // Name
                0x03, 0x01, 0x02,           // Metadata
                0x00,                       // the protocol's tagged fields
                0x00);                      // the struct's tagged fields

        assertThat(ConsumerGroupRecordCodec.encodeValue(member)).isEqualTo(golden);
        assertThat(ConsumerGroupRecordCodec.decode(key(0x05, "g", "m"), ByteBuffer.wrap(golden)))
                .usingRecursiveComparison().isEqualTo(member);
    }

    @Test
    void currentMemberAssignmentValueIsKafkasLayout() {
        CurrentMemberAssignment current = new CurrentMemberAssignment("g", "m", 10, 9,
                MemberState.UNREVOKED_PARTITIONS, Map.of(TOPIC_A, Set.of(3, 0)), Map.of());
        byte[] golden = bytes(
                0x00, 0x00,                 // value version 0
                0x00, 0x00, 0x00, 0x0a,     // MemberEpoch 10
                0x00, 0x00, 0x00, 0x09,     // PreviousMemberEpoch 9
                0x01,                       // State: UNREVOKED_PARTITIONS
                0x02,                       // AssignedPartitions: one topic
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, // TopicId
                0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, // Partitions 0, 3
                0x00,                       // the topic's tagged fields
                0x01,                       // PartitionsPendingRevocation: empty
                0x00);                      // no tagged fields

        assertThat(ConsumerGroupRecordCodec.encodeValue(current)).isEqualTo(golden);
        assertThat(ConsumerGroupRecordCodec.decode(key(0x08, "g", "m"), ByteBuffer.wrap(golden)))
                .isEqualTo(current);
    }

    @Test
    void targetAssignmentValuesAreKafkasLayout() {
        assertThat(ConsumerGroupRecordCodec.encodeValue(new TargetAssignmentEpoch("g", 258)))
                .isEqualTo(bytes(0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00));
        assertThat(ConsumerGroupRecordCodec.encodeValue(new TargetAssignmentMember("g", "m",
                Map.of(TOPIC_A, Set.of(1)))))
                .isEqualTo(bytes(0x00, 0x00, 0x02,
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
                        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                        0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
                        0x00));
    }

    @Test
    void topicsAreWrittenInTopicIdOrderWhateverTheMapsOrder() {
        TargetAssignmentMember ab = new TargetAssignmentMember("g", "m", Map.of(TOPIC_A, Set.of(0), TOPIC_B, Set.of(0)));
        TargetAssignmentMember ba = new TargetAssignmentMember("g", "m", Map.of(TOPIC_B, Set.of(0), TOPIC_A, Set.of(0)));

        assertThat(ConsumerGroupRecordCodec.encodeValue(ab)).isEqualTo(ConsumerGroupRecordCodec.encodeValue(ba));
    }

    @Test
    void unknownTaggedFieldsAreSkippedInEveryStruct() {
        byte[] groupEpoch = bytes(0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
                0x02,                                                   // two tagged fields
                0x00, 0x08, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, // Kafka 4.1's MetadataHash
                0x09, 0x02, 0xaa, 0xbb);                                // one from a later Kafka
        byte[] member = bytes(0x00, 0x00, 0x00, 0x00, 0x02, "c", 0x02, "h", 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
                0x02,                                                   // two tagged fields
                0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x0a,               // ClassicMemberMetadata (16 bytes)...
                0x02, 0x02, "p", 0x01,                                  // ...a protocol...
                0x01, 0x05, 0x01, 0x03,                                 // ...with a tagged field of its own...
                0x01, 0x07, 0x00,                                       // ...and the struct's, of no bytes
                0x03, 0x00);                                            // one of no bytes from a later Kafka
        byte[] assignment = bytes(0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                0x02, 0x00, 0x00, 0x00, 0x04,
                0x01, 0x02, 0x01, 0xff,                                 // the topic's unknown tagged field
                0x00);

        assertThat(ConsumerGroupRecordCodec.decode(key(0x03, "g"), ByteBuffer.wrap(groupEpoch)))
                .isEqualTo(new GroupEpoch("g", 7));
        assertThat(ConsumerGroupRecordCodec.decode(key(0x05, "g", "m"), ByteBuffer.wrap(member)))
                .usingRecursiveComparison().isEqualTo(new MemberMetadata("g", "m", null, null, "c", "h", List.of(),
                        null, 1, null, new ClassicMemberMetadata(10, List.of(new ClassicProtocol("p", new byte[0])))));
        assertThat(ConsumerGroupRecordCodec.decode(key(0x07, "g", "m"), ByteBuffer.wrap(assignment)))
                .isEqualTo(new TargetAssignmentMember("g", "m", Map.of(TOPIC_A, Set.of(4))));
    }

    @Test
    void anAbsentClassicMemberMetadataIsKafkasDefaultEmptyStructNotNull() {
        byte[] withoutTaggedFields = bytes(0x00, 0x00, 0x00, 0x00, 0x02, "c", 0x02, "h", 0x01, 0x00,
                0x00, 0x00, 0x00, 0x01, 0x00, 0x00);
        byte[] withNull = bytes(0x00, 0x00, 0x00, 0x00, 0x02, "c", 0x02, "h", 0x01, 0x00,
                0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00);
        MemberMetadata defaulted = new MemberMetadata("g", "m", null, null, "c", "h", List.of(), null, 1, null,
                new ClassicMemberMetadata(0, List.of()));

        assertThat(ConsumerGroupRecordCodec.decode(key(0x05, "g", "m"), ByteBuffer.wrap(withoutTaggedFields)))
                .isEqualTo(defaulted);
        assertThat(ConsumerGroupRecordCodec.encodeValue(defaulted)).isEqualTo(withoutTaggedFields);
        assertThat(((MemberMetadata) ConsumerGroupRecordCodec.decode(key(0x05, "g", "m"), ByteBuffer.wrap(withNull)))
                .classicProtocols()).isNull();
    }

    @Test
    void anUnknownValueVersionIsSkipped() {
        assertThat(ConsumerGroupRecordCodec.decode(key(0x03, "g"), ByteBuffer.wrap(bytes(0x00, 0x01, 0x00, 0x00,
                0x00, 0x05, 0x00)))).isNull();
        assertThat(ConsumerGroupRecordCodec.decode(key(0x08, "g", "m"), ByteBuffer.wrap(bytes(0x7f, 0xff))))
                .isNull();
        assertThat(ConsumerGroupRecordCodec.decode(key(0x05, "g", "m"), ByteBuffer.wrap(bytes(0xff, 0xff))))
                .isNull();
    }

    @Test
    void partitionMetadataRecordsAreSkipped() {
        byte[] value = bytes(0x00, 0x00, 0x02,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
                0x02, "t", 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00);

        assertThat(ConsumerGroupRecordCodec.isConsumerGroupKey(key(0x04, "g"))).isTrue();
        assertThat(ConsumerGroupRecordCodec.decode(key(0x04, "g"), ByteBuffer.wrap(value))).isNull();
        assertThat(ConsumerGroupRecordCodec.decode(key(0x04, "g"), null)).isNull();
    }

    @Test
    void onlyKeyVersionsThreeToEightAreConsumerGroupKeys() {
        for (int version = 0; version <= 20; version++) {
            assertThat(ConsumerGroupRecordCodec.isConsumerGroupKey(key(version, "g")))
                    .as("version %d", version).isEqualTo(version >= 3 && version <= 8);
        }
        assertThat(ConsumerGroupRecordCodec.isConsumerGroupKey(ByteBuffer.wrap(bytes(0x00)))).isFalse();
        assertThat(ConsumerGroupRecordCodec.isConsumerGroupKey(ByteBuffer.allocate(0))).isFalse();
        assertThatThrownBy(() -> ConsumerGroupRecordCodec.decode(key(0x02, "g"), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Not a consumer group key");
    }

    @ParameterizedTest
    @MethodSource("records")
    void everyTruncationOfAValueThrows(ConsumerGroupRecord record) {
        ByteBuffer key = ByteBuffer.wrap(ConsumerGroupRecordCodec.encodeKey(record));
        byte[] value = ConsumerGroupRecordCodec.encodeValue(record);

        for (int length = 0; length < value.length; length++) {
            ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(value, length));
            assertThatThrownBy(() -> ConsumerGroupRecordCodec.decode(key, truncated))
                    .as("%d of %d bytes", length, value.length)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(record.type().toString()).hasMessageContaining("group " + record.groupId());
        }
    }

    @ParameterizedTest
    @EnumSource(Type.class)
    void everyTruncationOfAKeyThrows(Type type) {
        byte[] key = ConsumerGroupRecordCodec.encodeKey(new Tombstone(type, "g", type.perMember() ? "m" : null));

        for (int length = 0; length < key.length; length++) {
            ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(key, length));
            assertThatThrownBy(() -> ConsumerGroupRecordCodec.decode(truncated, null))
                    .as("%d of %d bytes", length, key.length)
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void corruptValuesThrowBeforeTheyAllocate() {
        ByteBuffer member = key(0x05, "g", "m");
        assertThatThrownBy(() -> ConsumerGroupRecordCodec.decode(member, ByteBuffer.wrap(bytes(0x00, 0x00, 0x00,
                0x00, 0x00, 0x02, "h", 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("non-nullable ClientId is null");
        assertThatThrownBy(() -> ConsumerGroupRecordCodec.decode(member, ByteBuffer.wrap(bytes(0x00, 0x00, 0x00,
                0x00, 0x02, "c", 0x02, "h", 0xff, 0xff, 0xff, 0xff, 0x07))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SubscribedTopicNames");
        assertThatThrownBy(() -> ConsumerGroupRecordCodec.decode(key(0x03, "g"), ByteBuffer.wrap(bytes(0x00, 0x00,
                0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x7f, 0x00))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tagged field");
        assertThatThrownBy(() -> ConsumerGroupRecordCodec.decode(key(0x06, "g"), ByteBuffer.wrap(bytes(0x00, 0x00,
                0x00, 0x00, 0x00, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Corrupt TARGET_ASSIGNMENT_EPOCH");
        assertThatThrownBy(() -> ConsumerGroupRecordCodec.decode(key(0x05, "g", "m"), ByteBuffer.wrap(bytes(0x00,
                0x00, 0x00, 0x00, 0x02, "c", 0x02, "h", 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
                0x01, 0x00, 0x02, 0x01, 0x00))))
                .as("a classic member metadata overrunning its tagged field")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void decodingLeavesTheCallersBuffersWhereTheyWere() {
        ByteBuffer key = ByteBuffer.wrap(ConsumerGroupRecordCodec.encodeKey(CLASSIC_MEMBER));
        ByteBuffer value = ByteBuffer.wrap(ConsumerGroupRecordCodec.encodeValue(CLASSIC_MEMBER));

        assertThat(ConsumerGroupRecordCodec.isConsumerGroupKey(key)).isTrue();
        ConsumerGroupRecordCodec.decode(key, value);

        assertThat(key.position()).isZero();
        assertThat(value.position()).isZero();
        assertThat(ConsumerGroupRecordCodec.decode(key, value)).usingRecursiveComparison().isEqualTo(CLASSIC_MEMBER);
    }

    @Test
    void nullsInNonNullableFieldsAreRefusedOnWrite() {
        assertThatThrownBy(() -> ConsumerGroupRecordCodec.encodeValue(new MemberMetadata("g", "m", null, null, null,
                "h", List.of(), null, 1, null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ClientId");
        assertThatThrownBy(() -> ConsumerGroupRecordCodec.encodeValue(new CurrentMemberAssignment("g", "m", 1, 0,
                null, Map.of(), Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state");
    }

    private static ByteBuffer key(int version, String... strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(version >> 8);
        out.write(version);
        for (String s : strings) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            out.write(utf8.length >> 8);
            out.write(utf8.length);
            out.writeBytes(utf8);
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    /** Bytes from the arguments in order: an Integer is one byte, a String its UTF-8 bytes (no length). */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(((String) part).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
