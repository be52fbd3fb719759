package io.sluice.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.metadata.MetadataRecord.BrokerFencing;
import io.sluice.metadata.MetadataRecord.ClusterIdRecord;
import io.sluice.metadata.MetadataRecord.ConfigRecord;
import io.sluice.metadata.MetadataRecord.PartitionRecord;
import io.sluice.metadata.MetadataRecord.ProducerIdBlock;
import io.sluice.metadata.MetadataRecord.RegisterBroker;
import io.sluice.metadata.MetadataRecord.RemoveTopic;
import io.sluice.metadata.MetadataRecord.TopicRecord;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class MetadataRecordCodecTest {
    private static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");

    @Test
    void everyRecordTypeRoundTrips() throws IOException {
        List<MetadataRecord> records = List.of(
                new ClusterIdRecord("cluster-\u00e9"),
                new RegisterBroker(1, "localhost", 9092, "rack-a"),
                new RegisterBroker(2, "host2", 9093, null),
                new BrokerFencing(2, true),
                new TopicRecord("orders", TOPIC_ID),
                new PartitionRecord(TOPIC_ID, 0, List.of(1, 2), List.of(2), 2, 3, 4),
                new ConfigRecord(TOPIC_ID, "retention.ms", "1000"),
                new ConfigRecord(TOPIC_ID, "segment.bytes", null),
                new MetadataRecord.GroupConfigRecord("billing", "consumer.session.timeout.ms", "50000"),
                new MetadataRecord.GroupConfigRecord("billing", "consumer.heartbeat.interval.ms", null),
                new RemoveTopic(TOPIC_ID),
                new ProducerIdBlock(1, Long.MAX_VALUE - 10, 10));
        for (MetadataRecord record : records) {
            assertThat(MetadataRecordCodec.decodeBatch(MetadataRecordCodec.encodeBatch(List.of(record))))
                    .containsExactly(record);
        }
        assertThat(MetadataRecordCodec.decodeBatch(MetadataRecordCodec.encodeBatch(records)))
                .containsExactlyElementsOf(records);
    }

    @Test
    void partitionRecordsCarryReassignmentsAndStayVersionZeroWithout() throws IOException {
        PartitionRecord moving = new PartitionRecord(TOPIC_ID, 1, List.of(2, 3, 1), List.of(1, 2), 1, 4, 9,
                List.of(3), List.of(1));
        assertThat(MetadataRecordCodec.decodeBatch(MetadataRecordCodec.encodeBatch(List.of(moving))))
                .containsExactly(moving);

        PartitionRecord settled = new PartitionRecord(TOPIC_ID, 1, List.of(2, 3), List.of(2, 3), 2, 5, 10);
        byte[] bytes = MetadataRecordCodec.encodeBatch(List.of(settled));
        assertThat(bytes[6]).as("record version").isZero();
        // Byte for byte what the codec wrote before reassignments existed: type, version, then the seven fields.
        java.io.ByteArrayOutputStream legacy = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(legacy)) {
            out.writeByte(0);
            out.writeInt(1);
            out.writeByte(4);
            out.writeByte(0);
            out.writeLong(TOPIC_ID.getMostSignificantBits());
            out.writeLong(TOPIC_ID.getLeastSignificantBits());
            out.writeInt(1);
            for (List<Integer> list : List.of(List.of(2, 3), List.of(2, 3))) {
                out.writeInt(list.size());
                for (int v : list) {
                    out.writeInt(v);
                }
            }
            out.writeInt(2);
            out.writeInt(5);
            out.writeInt(10);
        }
        assertThat(bytes).isEqualTo(legacy.toByteArray());
        PartitionRecord decoded = (PartitionRecord) MetadataRecordCodec.decodeBatch(legacy.toByteArray()).get(0);
        assertThat(decoded).isEqualTo(settled);
        assertThat(decoded.addingReplicas()).isEmpty();
        assertThat(decoded.removingReplicas()).isEmpty();
    }

    @Test
    void emptyBatchRoundTrips() throws IOException {
        assertThat(MetadataRecordCodec.decodeBatch(MetadataRecordCodec.encodeBatch(List.of()))).isEmpty();
    }

    @Test
    void longStringsSurvive() throws IOException {
        String big = "x".repeat(100_000);
        ConfigRecord record = new ConfigRecord(TOPIC_ID, "k", big);
        assertThat(MetadataRecordCodec.decodeBatch(MetadataRecordCodec.encodeBatch(List.of(record))))
                .containsExactly(record);
    }

    @Test
    void unknownTypeOrVersionIsRejected() {
        byte[] bytes = MetadataRecordCodec.encodeBatch(List.of(new RemoveTopic(TOPIC_ID)));
        byte[] badType = bytes.clone();
        badType[5] = 99;
        assertThatThrownBy(() -> MetadataRecordCodec.decodeBatch(badType)).isInstanceOf(IOException.class)
                .hasMessageContaining("type 99");
        byte[] badVersion = bytes.clone();
        badVersion[6] = 7;
        assertThatThrownBy(() -> MetadataRecordCodec.decodeBatch(badVersion)).isInstanceOf(IOException.class)
                .hasMessageContaining("version 7");
    }

    @Test
    void commandsCarryTheControllerTermAndRegistrationsTheIncarnation() throws IOException {
        Uuid incarnation = Uuid.randomUuid();
        List<MetadataRecord> records = List.of(new RegisterBroker(2, "h", 9092, "r", incarnation),
                new BrokerFencing(2, true));

        MetadataCommand withTerm = MetadataRecordCodec.decodeCommand(
                new java.io.ByteArrayInputStream(MetadataRecordCodec.encodeCommand(records, 7)));
        assertThat(withTerm.controllerTerm()).isEqualTo(7);
        assertThat(withTerm.records()).isEqualTo(records);

        // A plain batch (as written before terms existed) decodes as "any term".
        MetadataCommand plain = MetadataRecordCodec.decodeCommand(
                new java.io.ByteArrayInputStream(MetadataRecordCodec.encodeBatch(records)));
        assertThat(plain.controllerTerm()).isEqualTo(-1);
        assertThat(((RegisterBroker) plain.records().get(0)).incarnationId()).isEqualTo(incarnation);
    }
}
