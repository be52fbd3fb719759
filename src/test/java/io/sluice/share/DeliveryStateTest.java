package io.sluice.share;

import static io.sluice.share.DeliveryState.ACKNOWLEDGED;
import static io.sluice.share.DeliveryState.ACQUIRED;
import static io.sluice.share.DeliveryState.ARCHIVED;
import static io.sluice.share.DeliveryState.AVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryStateTest {
    @Test
    void idsAreKafkasPersistedOnes() {
        assertThat(AVAILABLE.id()).isEqualTo((byte) 0);
        assertThat(ACQUIRED.id()).isEqualTo((byte) 1);
        assertThat(ACKNOWLEDGED.id()).isEqualTo((byte) 2);
        assertThat(ARCHIVED.id()).isEqualTo((byte) 4);
        for (DeliveryState state : DeliveryState.values()) {
            assertThat(DeliveryState.forId(state.id())).isEqualTo(state);
        }
        assertThatThrownBy(() -> DeliveryState.forId((byte) 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheListedTransitionsAreAllowed() {
        Map<DeliveryState, Set<DeliveryState>> allowed = Map.of(
                AVAILABLE, EnumSet.of(ACQUIRED, ARCHIVED),
                ACQUIRED, EnumSet.allOf(DeliveryState.class),
                ACKNOWLEDGED, EnumSet.noneOf(DeliveryState.class),
                ARCHIVED, EnumSet.noneOf(DeliveryState.class));

        for (DeliveryState from : DeliveryState.values()) {
            for (DeliveryState to : DeliveryState.values()) {
                if (allowed.get(from).contains(to)) {
                    assertThat(from.transitionTo(to)).isEqualTo(to);
                } else {
                    assertThatThrownBy(() -> from.transitionTo(to)).as("%s -> %s", from, to)
                            .isInstanceOf(IllegalStateException.class);
                }
            }
        }
    }

    @Test
    void acknowledgedAndArchivedAreFinal() {
        assertThat(EnumSet.allOf(DeliveryState.class)).filteredOn(DeliveryState::isFinal)
                .containsExactlyInAnyOrder(ACKNOWLEDGED, ARCHIVED);
    }

    @Test
    void acknowledgeTypeIdsAreKafkaShareConsumers() {
        assertThat(AcknowledgeType.ACCEPT.id()).isEqualTo((byte) 1);
        assertThat(AcknowledgeType.RELEASE.id()).isEqualTo((byte) 2);
        assertThat(AcknowledgeType.REJECT.id()).isEqualTo((byte) 3);
        assertThat(AcknowledgeType.RENEW.id()).isEqualTo((byte) 4);
        for (org.apache.kafka.clients.consumer.AcknowledgeType kafka
                : org.apache.kafka.clients.consumer.AcknowledgeType.values()) {
            assertThat(AcknowledgeType.forId(kafka.id).name()).isEqualTo(kafka.name());
        }
        assertThatThrownBy(() -> AcknowledgeType.forId((byte) 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
