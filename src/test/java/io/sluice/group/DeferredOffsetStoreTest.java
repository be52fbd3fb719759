package io.sluice.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class DeferredOffsetStoreTest {
    private final DeferredOffsetStore deferred = new DeferredOffsetStore();
    private final InMemoryOffsetStore loaded = new InMemoryOffsetStore();
    private final TopicPartition tp = new TopicPartition("t", 0);

    @Test
    void untilTheStoreIsLoadedClientsAreToldToRetry() {
        assertThat(deferred.isReady()).isFalse();
        assertThatThrownBy(() -> deferred.fetch("g")).isInstanceOf(CoordinatorLoadInProgressException.class);
        assertThat(deferred.commit("g", Map.of(tp, new CommittedOffset(1, -1, "", 0, -1))))
                .failsWithin(java.time.Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(CoordinatorLoadInProgressException.class);
        assertThat(deferred.groups()).isEmpty();

        GroupCoordinator coordinator = new GroupCoordinator(deferred, new ManualGroupTimer(), GroupConfig.defaults());
        OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId("g").setTopics(java.util.List.of(
                new OffsetCommitRequestTopic().setName("t").setPartitions(java.util.List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5)))));
        assertThat(coordinator.commitOffsets(commit, (short) 9).join().topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
    }

    @Test
    void onceLoadedEveryCallGoesToTheLoadedStore() {
        loaded.commit("g", Map.of(tp, new CommittedOffset(3, -1, "", 0, -1))).join();
        deferred.complete(loaded);

        assertThat(deferred.isReady()).isTrue();
        assertThat(deferred.fetch("g").get(tp).offset()).isEqualTo(3);
        assertThat(deferred.groups()).containsExactly("g");
        deferred.delete("g", Set.of(tp)).join();
        assertThat(loaded.fetch("g")).isEmpty();
    }
}
