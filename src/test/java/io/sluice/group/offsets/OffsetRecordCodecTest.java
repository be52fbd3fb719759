package io.sluice.group.offsets;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.CommittedOffset;
import io.sluice.group.consumer.ConsumerGroupRecord;
import java.nio.ByteBuffer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetRecordCodecTest {

    @Test
    void keyRoundTrips() {
        TopicPartition tp = new TopicPartition("çà-topic", 42);

        OffsetRecordCodec.Key key = OffsetRecordCodec.decodeKey(ByteBuffer.wrap(OffsetRecordCodec.encodeKey("grüppe", tp)));

        assertThat(key).isEqualTo(new OffsetRecordCodec.Key("grüppe", tp));
    }

    @Test
    void valueRoundTripsWithAndWithoutMetadata() {
        CommittedOffset full = new CommittedOffset(123456789012L, 7, "some metadata", 1_700_000_000_000L, 1_800_000_000_000L);
        CommittedOffset bare = new CommittedOffset(0, -1, null, 5, -1);
        CommittedOffset empty = new CommittedOffset(1, -1, "", 5, -1);

        assertThat(OffsetRecordCodec.decodeValue(ByteBuffer.wrap(OffsetRecordCodec.encodeValue(full)))).isEqualTo(full);
        assertThat(OffsetRecordCodec.decodeValue(ByteBuffer.wrap(OffsetRecordCodec.encodeValue(bare)))).isEqualTo(bare);
        assertThat(OffsetRecordCodec.decodeValue(ByteBuffer.wrap(OffsetRecordCodec.encodeValue(empty)))).isEqualTo(empty);
    }

    @Test
    void keysOfOtherVersionsAreNotOffsetKeys() {
        assertThat(OffsetRecordCodec.decodeKey(ByteBuffer.wrap(new byte[] {0, 2, 0, 1, 'g'}))).isNull();
    }

    @Test
    void consumerGroupKeysAreNotOffsetKeys() {
        for (ConsumerGroupRecord.Type type : ConsumerGroupRecord.Type.values()) {
            byte[] key = ConsumerGroupRecordCodec.encodeKey(new ConsumerGroupRecord.Tombstone(type, "g",
                    type.perMember() ? "m" : null));

            assertThat(OffsetRecordCodec.decodeKey(ByteBuffer.wrap(key))).as("%s", type).isNull();
        }
        // Partition metadata (4), which Sluice never writes but Kafka 4.0 did.
        assertThat(OffsetRecordCodec.decodeKey(ByteBuffer.wrap(new byte[] {0, 4, 0, 1, 'g'}))).isNull();
    }

    @Test
    void keyLayoutIsVersionGroupTopicPartition() {
        byte[] key = OffsetRecordCodec.encodeKey("g", new TopicPartition("t", 3));

        assertThat(key).containsExactly(0, 1, 0, 1, 'g', 0, 1, 't', 0, 0, 0, 3);
    }
}
