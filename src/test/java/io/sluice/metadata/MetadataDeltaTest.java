package io.sluice.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.metadata.MetadataRecord.ConfigRecord;
import io.sluice.metadata.MetadataRecord.PartitionRecord;
import io.sluice.metadata.MetadataRecord.ProducerIdBlock;
import io.sluice.metadata.MetadataRecord.RegisterBroker;
import io.sluice.metadata.MetadataRecord.RemoveTopic;
import io.sluice.metadata.MetadataRecord.TopicRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class MetadataDeltaTest {
    private static final Uuid A = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");
    private static final Uuid B = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAg");

    private static MetadataImage apply(MetadataImage base, long offset, MetadataRecord... records)
            throws RejectedBatchException {
        MetadataDelta delta = new MetadataDelta(base);
        delta.applyAll(List.of(records));
        return delta.build(offset);
    }

    private static Errors rejection(MetadataImage base, MetadataRecord... records) {
        try {
            apply(base, 99, records);
            return Errors.NONE;
        } catch (RejectedBatchException e) {
            return e.error();
        }
    }

    @Test
    void unchangedTopicsAreSharedBetweenImages() throws Exception {
        MetadataImage one = apply(MetadataImage.empty(), 1,
                new TopicRecord("a", A), new PartitionRecord(A, 0, List.of(1), List.of(1), 1, 0, 0),
                new TopicRecord("b", B));
        MetadataImage two = apply(one, 2, new ConfigRecord(B, "retention.ms", "5"));
        assertThat(two.topic("a")).isSameAs(one.topic("a"));
        assertThat(two.topic(B).configs()).containsEntry("retention.ms", "5");
        assertThat(one.topic(B).configs()).isEmpty();
        assertThat(two.brokers()).isSameAs(one.brokers());
        assertThat(two.offset()).isEqualTo(2);
    }

    @Test
    void onlyRegisteredUnfencedBrokersMayJoinAnIsr() throws Exception {
        MetadataImage base = apply(MetadataImage.empty(), 1,
                new RegisterBroker(1, "h1", 9091, null), new RegisterBroker(2, "h2", 9092, null),
                new RegisterBroker(3, "h3", 9093, null), new MetadataRecord.BrokerFencing(3, true),
                new TopicRecord("a", A), new PartitionRecord(A, 0, List.of(1, 2, 3, 4), List.of(1), 1, 0, 0));

        assertThat(rejection(base, new PartitionRecord(A, 0, List.of(1, 2, 3, 4), List.of(1, 3), 1, 0, 1)))
                .isEqualTo(Errors.INELIGIBLE_REPLICA);
        assertThat(rejection(base, new PartitionRecord(A, 0, List.of(1, 2, 3, 4), List.of(1, 4), 1, 0, 1)))
                .isEqualTo(Errors.INELIGIBLE_REPLICA);
        // Fenced in the same batch, before the ISR change: refused too.
        assertThat(rejection(base, new MetadataRecord.BrokerFencing(2, true),
                new PartitionRecord(A, 0, List.of(1, 2, 3, 4), List.of(1, 2), 1, 0, 1)))
                .isEqualTo(Errors.INELIGIBLE_REPLICA);
        MetadataImage grown = apply(base, 2, new PartitionRecord(A, 0, List.of(1, 2, 3, 4), List.of(1, 2), 1, 0, 1));
        assertThat(grown.topic(A).partitions().get(0).isr()).containsExactly(1, 2);
        // A member already in the ISR may stay after being fenced (the last one of a leaderless partition does).
        MetadataImage fenced = apply(grown, 3, new MetadataRecord.BrokerFencing(2, true),
                new PartitionRecord(A, 0, List.of(1, 2, 3, 4), List.of(2), -1, 1, 2));
        assertThat(fenced.topic(A).partitions().get(0).isr()).containsExactly(2);
    }

    @Test
    void expectationsAreCheckedDeterministically() throws Exception {
        MetadataImage base = apply(MetadataImage.empty(), 1,
                new TopicRecord("a", A), new PartitionRecord(A, 0, List.of(1), List.of(1), 1, 0, 0));
        assertThat(rejection(base, new TopicRecord("a", B))).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(rejection(base, new TopicRecord("b", B), new TopicRecord("b", Uuid.randomUuid())))
                .isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(rejection(base, new PartitionRecord(A, 0, List.of(1), List.of(1), 1, 0, 0)))
                .isEqualTo(Errors.INVALID_UPDATE_VERSION);
        assertThat(rejection(base, new PartitionRecord(A, 2, List.of(1), List.of(1), 1, 0, 0)))
                .isEqualTo(Errors.INVALID_PARTITIONS);
        assertThat(rejection(base, new RemoveTopic(B))).isEqualTo(Errors.UNKNOWN_TOPIC_ID);
        assertThat(rejection(base, new ProducerIdBlock(1, 5, 10))).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(rejection(base, new PartitionRecord(A, 0, List.of(1), List.of(1), 1, 1, 1))).isEqualTo(Errors.NONE);
    }

    @Test
    void removeTopicFreesTheName() throws Exception {
        MetadataImage base = apply(MetadataImage.empty(), 1, new TopicRecord("a", A));
        MetadataImage next = apply(base, 2, new RemoveTopic(A), new TopicRecord("a", B));
        assertThat(next.topic("a").id()).isEqualTo(B);
        assertThat(next.topicsById()).containsOnlyKeys(B);
    }

    @Test
    void snapshotFormatRebuildsTheImage() throws Exception {
        MetadataImage image = apply(MetadataImage.empty(), 7,
                new MetadataRecord.ClusterIdRecord("c1"),
                new RegisterBroker(1, "h", 1, "r"), new MetadataRecord.BrokerFencing(1, true),
                new TopicRecord("a", A), new PartitionRecord(A, 0, List.of(1), List.of(1), 1, 0, 0),
                new PartitionRecord(A, 1, List.of(1), List.of(1), 1, 0, 0),
                new ConfigRecord(A, "k", "v"), new ProducerIdBlock(1, 0, 1000),
                new MetadataRecord.GroupConfigRecord("g", "consumer.session.timeout.ms", "50000"),
                new MetadataRecord.GroupConfigRecord("h", "consumer.session.timeout.ms", "50000"),
                new MetadataRecord.GroupConfigRecord("h", "consumer.session.timeout.ms", null));
        image = apply(image, 8, new PartitionRecord(A, 1, List.of(1), List.of(), -1, 4, 1));
        assertThat(image.groupConfigs()).containsOnlyKeys("g");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageSnapshotFormat.write(image, out);
        MetadataImage read = ImageSnapshotFormat.read(new ByteArrayInputStream(out.toByteArray()), 8);
        assertThat(read).isEqualTo(image);
    }

    @Test
    void reassignmentsSurviveSnapshotsAndMustNameTheirOwnReplicas() throws Exception {
        MetadataImage base = apply(MetadataImage.empty(), 1, new TopicRecord("a", A),
                new PartitionRecord(A, 0, List.of(1, 2), List.of(1, 2), 1, 0, 0));
        MetadataImage moving = apply(base, 2, new PartitionRecord(A, 0, List.of(2, 3, 1), List.of(1, 2), 1, 0, 1,
                List.of(3), List.of(1)));
        assertThat(moving.topic("a").partitions().get(0).targetReplicas()).containsExactly(2, 3);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageSnapshotFormat.write(moving, out);
        MetadataImage read = ImageSnapshotFormat.read(new ByteArrayInputStream(out.toByteArray()), 2);
        assertThat(read).isEqualTo(moving);
        assertThat(read.topic("a").partitions().get(0).addingReplicas()).containsExactly(3);

        assertThat(rejection(base, new PartitionRecord(A, 0, List.of(1, 2), List.of(1, 2), 1, 0, 1, List.of(4),
                List.of()))).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
    }

    @Test
    void corruptSnapshotIsReported() {
        assertThatThrownBy(() -> ImageSnapshotFormat.read(new ByteArrayInputStream(new byte[] {5}), 1))
                .isInstanceOf(IOException.class);
    }
}
