package io.sluice.protocol.data;

import static io.sluice.protocol.data.EpochTestBroker.context;
import static io.sluice.protocol.data.EpochTestBroker.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetch v12+ with a last fetched epoch (KIP-320): a fetcher whose epoch ends earlier here is told where instead of
 * getting records, at once (no long-poll wait), and a stale or future current leader epoch is refused.
 */
class FetchDivergingEpochTest {
    private static final int FOLLOWER = 2;

    @TempDir
    Path dir;
    private EpochTestBroker broker;
    private ScheduledExecutorService timer;
    private FetchHandler handler;

    @BeforeEach
    void start() {
        broker = new EpochTestBroker(dir);
        timer = Executors.newSingleThreadScheduledExecutor();
        handler = new FetchHandler(broker, broker.partitions, broker.partitions.watchers(), timer, Runnable::run);
        // Offsets 0-2 in epoch 1; this node leads in epoch 4 from offset 3 and wrote 3-4.
        broker.setLeaderEpoch(1);
        broker.write(1, "a", "b", "c");
        broker.setLeaderEpoch(4);
        broker.log().assignLeaderEpoch(4);
        broker.write(4, "d", "e");
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
        broker.close();
    }

    private PartitionData fetch(int version, int replicaId, int currentLeaderEpoch, long offset, int lastFetchedEpoch,
                                int maxWaitMs) {
        FetchRequestData data = new FetchRequestData().setReplicaId(replicaId).setMaxWaitMs(maxWaitMs).setMinBytes(1)
                .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        FetchTopic topic = new FetchTopic().setTopic("t").setTopicId(broker.image().topic("t").id());
        topic.partitions().add(new FetchPartition().setPartition(0).setCurrentLeaderEpoch(currentLeaderEpoch)
                .setFetchOffset(offset).setLastFetchedEpoch(lastFetchedEpoch).setPartitionMaxBytes(1 << 20));
        data.setTopics(List.of(topic));
        var future = handler.handle(context(ApiKeys.FETCH, version), new FetchRequest(data, (short) version));
        // maxWaitMs is long: a diverging answer must not wait for it.
        assertThat(future).succeedsWithin(Duration.ofSeconds(5));
        return future.join().responses().get(0).partitions().get(0);
    }

    @ParameterizedTest
    @ValueSource(ints = {12, 13, 15, 17})
    void aFollowerWhoseEpochRanPastTheLeadersEndOfItIsToldWhereItEnds(int version) {
        PartitionData result = wire(new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                .setTopic("t").setTopicId(broker.image().topic("t").id())
                .setPartitions(List.of(fetch(version, FOLLOWER, 4, 6, 1, 30_000))))), version)
                .responses().get(0).partitions().get(0);

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.divergingEpoch().epoch()).isEqualTo(1);
        assertThat(result.divergingEpoch().endOffset()).isEqualTo(3);
        assertThat(result.records().sizeInBytes()).isZero();
    }

    @Test
    void anEpochTheLeaderNeverHadIsAnsweredWithTheLargestOlderOne() {
        PartitionData result = fetch(12, FOLLOWER, 4, 4, 3, 30_000);

        assertThat(result.divergingEpoch().epoch()).isEqualTo(1);
        assertThat(result.divergingEpoch().endOffset()).isEqualTo(3);
    }

    @Test
    void aConsumerSendingALastFetchedEpochIsCheckedTheSameWay() {
        PartitionData result = fetch(12, -1, 4, 4, 1, 30_000);

        assertThat(result.divergingEpoch().epoch()).isEqualTo(1);
        assertThat(result.divergingEpoch().endOffset()).isEqualTo(3);
    }

    @Test
    void aFetcherInStepGetsRecordsAndNoDivergingEpoch() {
        PartitionData atEpochEnd = fetch(12, FOLLOWER, 4, 3, 1, 0);
        PartitionData inLatestEpoch = fetch(12, FOLLOWER, 4, 4, 4, 0);

        assertThat(atEpochEnd.divergingEpoch().epoch()).isEqualTo(-1);
        assertThat(atEpochEnd.records().sizeInBytes()).isPositive();
        assertThat(inLatestEpoch.divergingEpoch().epoch()).isEqualTo(-1);
        assertThat(inLatestEpoch.records().sizeInBytes()).isPositive();
    }

    @Test
    void anEpochNewerThanEveryEpochOfTheLogIsOutOfRange() {
        assertThat(fetch(12, FOLLOWER, 4, 5, 9, 0).errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
    }

    @Test
    void staleAndFutureCurrentLeaderEpochsAreRefused() {
        assertThat(fetch(12, FOLLOWER, 3, 5, 4, 0).errorCode()).isEqualTo(Errors.FENCED_LEADER_EPOCH.code());
        assertThat(fetch(12, FOLLOWER, 5, 5, 4, 0).errorCode()).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());
    }
}
