package io.sluice.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InFlightRecordsTest {
    private static InFlightRange archived(InFlightRange part) {
        return new InFlightRange(part.first(), part.last(), DeliveryState.ARCHIVED, part.deliveryCount(), null);
    }

    private static InFlightRange counted(InFlightRange part, int count) {
        return new InFlightRange(part.first(), part.last(), part.state(), count, null);
    }

    @Test
    void appendedNeighboursThatDifferOnlyInOffsetsAreOneRange() {
        InFlightRecords records = new InFlightRecords(10);

        records.append(InFlightRange.neverDelivered(10, 19));
        records.append(InFlightRange.neverDelivered(20, 29));

        assertThat(records.ranges()).containsExactly(InFlightRange.neverDelivered(10, 29));
        assertThat(records.endOffset()).isEqualTo(30);
    }

    @Test
    void anUpdateInsideARangeSplitsItAndUndoingItJoinsItAgain() {
        InFlightRecords records = new InFlightRecords(0);
        records.append(InFlightRange.neverDelivered(0, 99));

        records.update(40, 59, part -> counted(part, 1));
        assertThat(records.ranges()).extracting(InFlightRange::first).containsExactly(0L, 40L, 60L);

        records.update(40, 59, part -> counted(part, 0));
        assertThat(records.ranges()).containsExactly(InFlightRange.neverDelivered(0, 99));
    }

    @Test
    void anUpdateAcrossRangesSeesEachPartCutToItsBounds() {
        InFlightRecords records = new InFlightRecords(0);
        records.append(InFlightRange.neverDelivered(0, 9));
        records.update(5, 9, part -> counted(part, 1));

        records.update(3, 7, InFlightRecordsTest::archived);

        assertThat(records.ranges()).extracting(InFlightRange::toString)
                .containsExactly("0..2 AVAILABLE x0", "3..4 ARCHIVED x0", "5..7 ARCHIVED x1", "8..9 AVAILABLE x1");
    }

    @Test
    void theStartOffsetMovesPastFinalRangesOnly() {
        InFlightRecords records = new InFlightRecords(0);
        records.append(InFlightRange.neverDelivered(0, 9));
        records.update(0, 3, InFlightRecordsTest::archived);
        records.update(6, 9, InFlightRecordsTest::archived);

        records.dropFinalPrefix();
        assertThat(records.startOffset()).isEqualTo(4);

        records.update(4, 5, InFlightRecordsTest::archived);
        records.dropFinalPrefix();
        assertThat(records.startOffset()).isEqualTo(10);
        assertThat(records.ranges()).isEmpty();
    }

    @Test
    void offsetsOutsideTheWindowCannotBeUpdatedOrAppended() {
        InFlightRecords records = new InFlightRecords(5);
        records.append(InFlightRange.neverDelivered(5, 9));

        assertThatThrownBy(() -> records.update(4, 6, part -> part)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> records.update(8, 10, part -> part)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> records.append(InFlightRange.neverDelivered(11, 12)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> records.update(5, 9, part -> part.withBounds(5, 5)))
                .isInstanceOf(IllegalStateException.class);
    }
}
