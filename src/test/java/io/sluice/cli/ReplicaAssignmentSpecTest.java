package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaAssignmentSpecTest {
    @Test
    void partitionsAreSeparatedByCommasAndReplicasByColonsInPreferredOrder() {
        List<List<Integer>> parsed = ReplicaAssignmentSpec.parse("1:2, 3 :2,4");

        assertThat(parsed).containsExactly(List.of(1, 2), List.of(3, 2), List.of(4));
        assertThat(ReplicaAssignmentSpec.byPartition(parsed))
                .isEqualTo(Map.of(0, List.of(1, 2), 1, List.of(3, 2), 2, List.of(4)));
    }

    @Test
    void emptyPartitionsRepeatedBrokersAndNonNumbersAreRefused() {
        assertThatThrownBy(() -> ReplicaAssignmentSpec.parse("1:2,,3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Partition 1");
        assertThatThrownBy(() -> ReplicaAssignmentSpec.parse("1:2,3:3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Partition number 1 has duplicate replica assignment 3:3");
        assertThatThrownBy(() -> ReplicaAssignmentSpec.parse("a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
    }
}
