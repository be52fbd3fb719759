package io.sluice.group.offsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.group.GroupMetadata;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Group metadata records against Kafka's GroupMetadataKey (v2) and GroupMetadataValue (v0-v3) layouts. The expected
 * bytes are written field by field here, independently of the codec, in the order Kafka's schema lists them.
 */
class GroupMetadataCodecTest {
    private static final GroupMetadata.Member DYNAMIC = new GroupMetadata.Member("m-1", null, "client-a", "/10.0.0.1",
            30_000, 10_000, bytes("sub-1"), bytes("asg-1"));
    private static final GroupMetadata.Member STATIC = new GroupMetadata.Member("m-2", "instance-2", "client-b",
            "/10.0.0.2", 45_000, 12_000, bytes("sub-2"), bytes(""));
    private static final GroupMetadata STABLE = new GroupMetadata("grüppe", "consumer", 7, "range", "m-1",
            1_700_000_000_123L, List.of(DYNAMIC, STATIC));

    @Test
    void keyIsVersionTwoAndTheGroupId() throws IOException {
        byte[] expected = write(out -> {
            out.writeShort(2);
            string(out, "grüppe");
        });

        byte[] key = GroupMetadataCodec.encodeKey("grüppe");

        assertThat(key).isEqualTo(expected);
        assertThat(GroupMetadataCodec.isGroupKey(ByteBuffer.wrap(key))).isTrue();
        assertThat(GroupMetadataCodec.decodeKey(ByteBuffer.wrap(key))).isEqualTo("grüppe");
        assertThat(GroupMetadataCodec.isGroupKey(ByteBuffer.wrap(OffsetRecordCodec.encodeKey("g",
                new org.apache.kafka.common.TopicPartition("t", 0))))).isFalse();
    }

    @Test
    void valueIsWrittenAsKafkasVersionThree() throws IOException {
        byte[] expected = write(out -> {
            out.writeShort(3);
            string(out, "consumer");
            out.writeInt(7);
            string(out, "range");
            string(out, "m-1");
            out.writeLong(1_700_000_000_123L);
            out.writeInt(2);
            string(out, "m-1");
            out.writeShort(-1);
            string(out, "client-a");
            string(out, "/10.0.0.1");
            out.writeInt(30_000);
            out.writeInt(10_000);
            bytes(out, "sub-1");
            bytes(out, "asg-1");
            string(out, "m-2");
            string(out, "instance-2");
            string(out, "client-b");
            string(out, "/10.0.0.2");
            out.writeInt(45_000);
            out.writeInt(12_000);
            bytes(out, "sub-2");
            bytes(out, "");
        });

        assertThat(GroupMetadataCodec.encodeValue(STABLE)).isEqualTo(expected);
        assertThat(GroupMetadataCodec.decodeValue("grüppe", ByteBuffer.wrap(expected)))
                .usingRecursiveComparison().isEqualTo(STABLE);
    }

    @Test
    void anEmptyGroupHasNullProtocolAndLeaderAndNoMembers() throws IOException {
        GroupMetadata empty = new GroupMetadata("g", "consumer", 3, null, null, 5L, List.of());
        byte[] expected = write(out -> {
            out.writeShort(3);
            string(out, "consumer");
            out.writeInt(3);
            out.writeShort(-1);
            out.writeShort(-1);
            out.writeLong(5L);
            out.writeInt(0);
        });

        assertThat(GroupMetadataCodec.encodeValue(empty)).isEqualTo(expected);
        assertThat(GroupMetadataCodec.decodeValue("g", ByteBuffer.wrap(expected))).isEqualTo(empty);
    }

    @Test
    void versionZeroHasNoRebalanceTimeoutTimestampOrInstanceId() throws IOException {
        byte[] v0 = write(out -> {
            out.writeShort(0);
            string(out, "consumer");
            out.writeInt(4);
            string(out, "range");
            string(out, "m-1");
            out.writeInt(1);
            string(out, "m-1");
            string(out, "client-a");
            string(out, "/10.0.0.1");
            out.writeInt(10_000);
            bytes(out, "sub-1");
            bytes(out, "asg-1");
        });

        GroupMetadata decoded = GroupMetadataCodec.decodeValue("g", ByteBuffer.wrap(v0));

        assertThat(decoded.currentStateTimestamp()).isEqualTo(-1L);
        GroupMetadata.Member member = decoded.members().get(0);
        assertThat(member.groupInstanceId()).isNull();
        assertThat(member.rebalanceTimeoutMs()).as("the session timeout stands in").isEqualTo(10_000);
        assertThat(member.assignment()).isEqualTo(bytes("asg-1"));
        assertThat(GroupMetadataCodec.encodeValue(decoded, (short) 0)).isEqualTo(v0);
    }

    @Test
    void versionsOneAndTwoAddRebalanceTimeoutThenTimestamp() throws IOException {
        byte[] v1 = write(out -> {
            out.writeShort(1);
            string(out, "consumer");
            out.writeInt(4);
            string(out, "range");
            string(out, "m-1");
            out.writeInt(1);
            string(out, "m-1");
            string(out, "client-a");
            string(out, "/10.0.0.1");
            out.writeInt(30_000);
            out.writeInt(10_000);
            bytes(out, "sub-1");
            bytes(out, "asg-1");
        });
        byte[] v2 = write(out -> {
            out.writeShort(2);
            string(out, "consumer");
            out.writeInt(4);
            string(out, "range");
            string(out, "m-1");
            out.writeLong(99L);
            out.writeInt(1);
            string(out, "m-1");
            string(out, "client-a");
            string(out, "/10.0.0.1");
            out.writeInt(30_000);
            out.writeInt(10_000);
            bytes(out, "sub-1");
            bytes(out, "asg-1");
        });

        GroupMetadata one = GroupMetadataCodec.decodeValue("g", ByteBuffer.wrap(v1));
        GroupMetadata two = GroupMetadataCodec.decodeValue("g", ByteBuffer.wrap(v2));

        assertThat(one.currentStateTimestamp()).isEqualTo(-1L);
        assertThat(one.members().get(0)).usingRecursiveComparison().isEqualTo(DYNAMIC);
        assertThat(two.currentStateTimestamp()).isEqualTo(99L);
        assertThat(two.members().get(0)).usingRecursiveComparison().isEqualTo(DYNAMIC);
        assertThat(GroupMetadataCodec.encodeValue(one, (short) 1)).isEqualTo(v1);
        assertThat(GroupMetadataCodec.encodeValue(two, (short) 2)).isEqualTo(v2);
    }

    @Test
    void unknownAndTruncatedValuesAreRecognised() {
        byte[] flexible = {0, 4, 9, 'c'};
        assertThat(GroupMetadataCodec.isReadableValue(ByteBuffer.wrap(flexible))).isFalse();
        assertThat(GroupMetadataCodec.isReadableValue(ByteBuffer.wrap(GroupMetadataCodec.encodeValue(STABLE)))).isTrue();
        byte[] full = GroupMetadataCodec.encodeValue(STABLE);
        ByteBuffer truncated = ByteBuffer.wrap(full, 0, full.length - 3);
        assertThatThrownBy(() -> GroupMetadataCodec.decodeValue("g", truncated))
                .isInstanceOf(IllegalStateException.class);
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        }
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static void bytes(DataOutputStream out, String value) throws IOException {
        byte[] raw = bytes(value);
        out.writeInt(raw.length);
        out.write(raw);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
