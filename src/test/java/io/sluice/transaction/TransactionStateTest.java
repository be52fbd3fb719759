package io.sluice.transaction;

import static io.sluice.transaction.TransactionState.COMPLETE_ABORT;
import static io.sluice.transaction.TransactionState.COMPLETE_COMMIT;
import static io.sluice.transaction.TransactionState.DEAD;
import static io.sluice.transaction.TransactionState.EMPTY;
import static io.sluice.transaction.TransactionState.ONGOING;
import static io.sluice.transaction.TransactionState.PREPARE_ABORT;
import static io.sluice.transaction.TransactionState.PREPARE_COMMIT;
import static io.sluice.transaction.TransactionState.PREPARE_EPOCH_FENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The transition table is Kafka's, and the ids and names are those Kafka writes and shows. */
class TransactionStateTest {
    @Test
    void everyStateFollowsExactlyTheStatesOfKafkasTable() {
        Map<TransactionState, Set<TransactionState>> table = Map.of(
                EMPTY, EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT),
                ONGOING, EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT),
                PREPARE_COMMIT, EnumSet.of(ONGOING),
                PREPARE_ABORT, EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT),
                COMPLETE_COMMIT, EnumSet.of(PREPARE_COMMIT),
                COMPLETE_ABORT, EnumSet.of(PREPARE_ABORT),
                DEAD, EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT),
                PREPARE_EPOCH_FENCE, EnumSet.of(ONGOING));
        for (TransactionState next : TransactionState.values()) {
            for (TransactionState previous : TransactionState.values()) {
                assertThat(next.canFollow(previous)).as(previous + " -> " + next)
                        .isEqualTo(table.get(next).contains(previous));
            }
        }
    }

    @Test
    void idsAndNamesAreKafkas() {
        assertThat(TransactionState.values()).extracting(TransactionState::id)
                .containsExactly((byte) 0, (byte) 1, (byte) 2, (byte) 3, (byte) 4, (byte) 5, (byte) 6, (byte) 7);
        assertThat(TransactionState.forDisplayName("ongoing")).isEqualTo(ONGOING);
        assertThat(PREPARE_EPOCH_FENCE.displayName()).isEqualTo("PrepareEpochFence");
        assertThat(TransactionState.forDisplayName("Nonsense")).isNull();
    }

    @Test
    void aTransitionOffTheTableIsRefused() {
        TransactionMetadata empty = TransactionMetadata.fresh("id", 1, 1000, 0);
        assertThatThrownBy(() -> empty.transitionTo(PREPARE_COMMIT, 1)).isInstanceOf(IllegalStateException.class);
        assertThat(empty.withPartitionsAdded(Set.of(), 5).transitionTo(PREPARE_COMMIT, 6).state())
                .isEqualTo(PREPARE_COMMIT);
    }

    @Test
    void metadataRoundTripsThroughKafkasRecordFormat() {
        TransactionMetadata ongoing = new TransactionMetadata("app-1", 4000, (short) 3, (short) -1, 60_000, ONGOING,
                Set.of(new org.apache.kafka.common.TopicPartition("orders", 0),
                        new org.apache.kafka.common.TopicPartition("orders", 2),
                        new org.apache.kafka.common.TopicPartition("__consumer_offsets", 7)), 1234, 5678, 3999, 4001);
        String id = TransactionLogCodec.decodeKey(java.nio.ByteBuffer.wrap(TransactionLogCodec.encodeKey("app-1")));
        TransactionMetadata decoded = TransactionLogCodec.decodeValue(id,
                java.nio.ByteBuffer.wrap(TransactionLogCodec.encodeValue(ongoing)));
        assertThat(id).isEqualTo("app-1");
        assertThat(decoded).isEqualTo(ongoing);
        TransactionMetadata empty = TransactionMetadata.fresh("app-2", 5, 1000, 7);
        assertThat(TransactionLogCodec.decodeValue("app-2",
                java.nio.ByteBuffer.wrap(TransactionLogCodec.encodeValue(empty)))).isEqualTo(empty);
    }
}
