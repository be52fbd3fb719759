package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StartPositionTest {

    @Test
    void parsesNamedAndNumericPositions() {
        assertThat(StartPosition.parse("earliest").isEarliest()).isTrue();
        assertThat(StartPosition.parse("LATEST").kind()).isEqualTo(StartPosition.Kind.LATEST);
        assertThat(StartPosition.parse("42")).isEqualTo(new StartPosition(StartPosition.Kind.EXACT, 42));
    }

    @Test
    void rejectsNegativeAndNonNumericOffsets() {
        assertThatThrownBy(() -> StartPosition.parse("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StartPosition.parse("soon")).isInstanceOf(IllegalArgumentException.class);
    }
}
