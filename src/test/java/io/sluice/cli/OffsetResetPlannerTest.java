package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.cli.OffsetResetPlanner.PartitionOffsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetResetPlannerTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);
    /** P0: log 10..100, committed 50, first record after the time at 60. P1: log 0..5, nothing committed, nothing that recent. */
    private static final Map<TopicPartition, PartitionOffsets> KNOWN = Map.of(
            P0, new PartitionOffsets(10, 100, 50L, 60L),
            P1, new PartitionOffsets(0, 5, null, -1L));

    private static Map<TopicPartition, Long> plan(OffsetResetSpec spec) {
        return OffsetResetPlanner.plan(spec, List.of(P0, P1), KNOWN);
    }

    @Test
    void earliestAndLatestAreTheLogBounds() {
        assertThat(plan(OffsetResetSpec.earliest())).isEqualTo(Map.of(P0, 10L, P1, 0L));
        assertThat(plan(OffsetResetSpec.latest())).isEqualTo(Map.of(P0, 100L, P1, 5L));
    }

    @Test
    void anOffsetOutsideTheLogMovesToTheNearestEnd() {
        assertThat(plan(OffsetResetSpec.toOffset(3))).isEqualTo(Map.of(P0, 10L, P1, 3L));
        assertThat(plan(OffsetResetSpec.toOffset(70))).isEqualTo(Map.of(P0, 70L, P1, 5L));
    }

    @Test
    void datetimeUsesTheFirstRecordAtOrAfterItOrTheLogEnd() {
        assertThat(plan(OffsetResetSpec.toDatetime(1_000))).isEqualTo(Map.of(P0, 60L, P1, 5L));
    }

    @Test
    void shiftMovesFromTheCommittedOffsetWithinTheLog() {
        Map<TopicPartition, Long> forward = OffsetResetPlanner.plan(OffsetResetSpec.shiftBy(20), List.of(P0), KNOWN);
        Map<TopicPartition, Long> farBack = OffsetResetPlanner.plan(OffsetResetSpec.shiftBy(-1000), List.of(P0), KNOWN);
        Map<TopicPartition, Long> huge = OffsetResetPlanner.plan(OffsetResetSpec.shiftBy(Long.MAX_VALUE), List.of(P0), KNOWN);

        assertThat(forward).isEqualTo(Map.of(P0, 70L));
        assertThat(farBack).isEqualTo(Map.of(P0, 10L));
        assertThat(huge).isEqualTo(Map.of(P0, 100L));
    }

    @Test
    void shiftNeedsACommittedOffset() {
        assertThatThrownBy(() -> plan(OffsetResetSpec.shiftBy(1)))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("orders-1").hasMessageContaining("no committed offset");
    }

    @Test
    void datetimeParsesKafkasFormInTheLocalZoneOrAGivenOne() {
        ZoneId paris = ZoneId.of("Europe/Paris");

        assertThat(OffsetResetSpec.parseDatetime("2024-01-01T00:00:00.000", ZoneOffset.UTC)).isEqualTo(1_704_067_200_000L);
        assertThat(OffsetResetSpec.parseDatetime("2024-01-01T01:00:00.000", paris)).isEqualTo(1_704_067_200_000L);
        assertThat(OffsetResetSpec.parseDatetime("2024-01-01T00:00:00", ZoneOffset.UTC)).isEqualTo(1_704_067_200_000L);
        assertThat(OffsetResetSpec.parseDatetime("2024-01-01T02:00:00.500+02:00", paris)).isEqualTo(1_704_067_200_500L);
        assertThat(OffsetResetSpec.parseDatetime("2024-01-01T00:00:00Z", paris)).isEqualTo(1_704_067_200_000L);
        assertThatThrownBy(() -> OffsetResetSpec.parseDatetime("yesterday", paris))
                .hasMessageContaining("YYYY-MM-DDTHH:mm:SS.sss");
    }

    @Test
    void topicSpecsNameATopicOrSomeOfItsPartitions() {
        assertThat(TopicPartitionsSpec.parse("orders")).isEqualTo(new TopicPartitionsSpec("orders", List.of()));
        assertThat(TopicPartitionsSpec.parse("orders:0,2")).isEqualTo(new TopicPartitionsSpec("orders", List.of(0, 2)));
        assertThatThrownBy(() -> TopicPartitionsSpec.parse("orders:x")).hasMessageContaining("Invalid partition 'x'");
        assertThatThrownBy(() -> TopicPartitionsSpec.parse(":1")).hasMessageContaining("expected TOPIC");
    }
}
