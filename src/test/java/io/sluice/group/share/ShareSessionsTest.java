package io.sluice.group.share;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ShareSessionsTest {
    private static final TopicIdPartition P0 = new TopicIdPartition(new Uuid(1, 1), new TopicPartition("t", 0));
    private static final TopicIdPartition P1 = new TopicIdPartition(new Uuid(1, 1), new TopicPartition("t", 1));

    private final ShareSessions sessions = new ShareSessions();

    @Test
    void aSessionOpensAtEpochZeroAndEachRequestNamesOnlyWhatChanged() {
        assertThat(sessions.update("g", "m", 0, List.of(P0), List.of()).partitions()).containsExactly(P0);
        assertThat(sessions.update("g", "m", 1, List.of(P1), List.of()).partitions()).containsExactly(P0, P1);
        assertThat(sessions.update("g", "m", 2, List.of(), List.of(P0)).partitions()).containsExactly(P1);
        assertThat(sessions.update("g", "m", 3, List.of(), List.of()).partitions()).containsExactly(P1);
    }

    @Test
    void aWrongEpochOrAMissingSessionIsKafkasError() {
        assertThat(sessions.update("g", "m", 1, List.of(), List.of()).error())
                .isEqualTo(Errors.SHARE_SESSION_NOT_FOUND);
        sessions.update("g", "m", 0, List.of(P0), List.of());
        assertThat(sessions.update("g", "m", 5, List.of(), List.of()).error())
                .isEqualTo(Errors.INVALID_SHARE_SESSION_EPOCH);
        assertThat(sessions.update("g", "m", 1, List.of(), List.of()).error()).isEqualTo(Errors.NONE);
        assertThat(sessions.update("g", "m", -1, List.of(), List.of()).error()).isEqualTo(Errors.NONE);
        assertThat(sessions.update("g", "m", 2, List.of(), List.of()).error())
                .isEqualTo(Errors.SHARE_SESSION_NOT_FOUND);
    }
}
