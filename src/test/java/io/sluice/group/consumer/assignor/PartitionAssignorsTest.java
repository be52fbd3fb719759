package io.sluice.group.consumer.assignor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionAssignorsTest {
    private static final String KAFKA_UNIFORM = "org.apache.kafka.coordinator.group.assignor.UniformAssignor";
    private static final String KAFKA_RANGE = "org.apache.kafka.coordinator.group.assignor.RangeAssignor";

    private static List<String> names(PartitionAssignors assignors) {
        return assignors.all().stream().map(PartitionAssignor::name).toList();
    }

    @Test
    void shortNamesAreOfferedInTheirOrderWithTheFirstAsDefault() {
        PartitionAssignors assignors = PartitionAssignors.of(List.of("range", "uniform"));

        assertThat(names(assignors)).containsExactly("range", "uniform");
        assertThat(assignors.defaultAssignor()).isInstanceOf(RangeAssignor.class);
    }

    @Test
    void kafkasClassNamesMapToOurAssignors() {
        PartitionAssignors assignors = PartitionAssignors.of(List.of(KAFKA_UNIFORM, KAFKA_RANGE));

        assertThat(assignors.defaultAssignor()).isInstanceOf(UniformAssignor.class);
        assertThat(assignors.find("range")).isInstanceOf(RangeAssignor.class);
    }

    @Test
    void namesAreTrimmed() {
        assertThat(names(PartitionAssignors.of(List.of(" uniform", "range ")))).containsExactly("uniform", "range");
    }

    @Test
    void theDefaultsAreKafkas() {
        assertThat(names(PartitionAssignors.defaults())).containsExactly("uniform", "range");
    }

    @Test
    void findAnswersNullForAnAssignorNotOffered() {
        PartitionAssignors assignors = PartitionAssignors.of(List.of("uniform"));

        assertThat(assignors.find("uniform")).isInstanceOf(UniformAssignor.class);
        assertThat(assignors.find("range")).isNull();
        assertThat(assignors.find("sticky")).isNull();
        assertThat(assignors.find(null)).isNull();
    }

    @Test
    void anUnknownNameIsRejectedNamingTheValidOnes() {
        assertThatThrownBy(() -> PartitionAssignors.of(List.of("uniform", "com.example.Sticky")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("com.example.Sticky")
                .hasMessageContaining("uniform").hasMessageContaining("range")
                .hasMessageContaining(KAFKA_UNIFORM).hasMessageContaining(KAFKA_RANGE);
    }

    @Test
    void anEmptyListIsRejected() {
        assertThatThrownBy(() -> PartitionAssignors.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }

    @Test
    void anAssignorNamedTwiceIsRejected() {
        assertThatThrownBy(() -> PartitionAssignors.of(List.of("uniform", KAFKA_UNIFORM)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }
}
