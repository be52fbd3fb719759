package io.sluice.protocol.data;

import static io.sluice.protocol.data.EpochTestBroker.context;
import static io.sluice.protocol.data.EpochTestBroker.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-951: a produce or fetch sent to a broker that does not lead the partition is answered NOT_LEADER_OR_FOLLOWER
 * with the current leader and its endpoint, from the versions that carry them (Produce v10, Fetch v16); older
 * versions get the error alone and still serialise.
 */
class CurrentLeaderHintTest {
    @TempDir
    Path dir;
    private EpochTestBroker broker;
    private ScheduledExecutorService timer;

    @BeforeEach
    void start() {
        broker = new EpochTestBroker(dir);
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 9, 10, 12, 13})
    void produceToAPartitionLedElsewhereNamesItsLeaderFromVersion10(int version) {
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(version >= 13 ? "" : "t")
                .setTopicId(broker.image().topic("t").id());
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(EpochTestBroker.ELSEWHERE.partition())
                .setRecords(MemoryRecords.withRecords(Compression.NONE,
                        new SimpleRecord("v".getBytes(StandardCharsets.UTF_8)))));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(1000);
        data.topicData().add(topic);

        ProduceResponseData response = wire(new ProduceHandler(broker, broker.partitions)
                .handle(context(ApiKeys.PRODUCE, version), new ProduceRequest(data, (short) version)).join(), version);

        ProduceResponseData.PartitionProduceResponse partition = response.responses().iterator().next()
                .partitionResponses().get(0);
        assertThat(partition.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        if (version >= 10) {
            assertThat(partition.currentLeader().leaderId()).isEqualTo(2);
            assertThat(partition.currentLeader().leaderEpoch()).isZero();
            ProduceResponseData.NodeEndpoint leader = response.nodeEndpoints().find(2);
            assertThat(leader.host()).isEqualTo("host2");
            assertThat(leader.port()).isEqualTo(9092);
        } else {
            assertThat(partition.currentLeader().leaderId()).isEqualTo(-1);
            assertThat(response.nodeEndpoints()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 12, 15, 16, 17})
    void fetchFromAPartitionLedElsewhereNamesItsLeaderFromVersion16(int version) {
        FetchTopic topic = new FetchTopic().setTopic("t").setTopicId(broker.image().topic("t").id());
        topic.partitions().add(new FetchPartition().setPartition(EpochTestBroker.ELSEWHERE.partition())
                .setFetchOffset(0).setPartitionMaxBytes(1 << 20));
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1).setTopics(List.of(topic));

        FetchHandler handler = new FetchHandler(broker, broker.partitions, broker.partitions.watchers(), timer,
                Runnable::run);
        FetchResponseData response = wire(handler
                .handle(context(ApiKeys.FETCH, version), new FetchRequest(data, (short) version)).join(), version);

        FetchResponseData.PartitionData partition = response.responses().get(0).partitions().get(0);
        assertThat(partition.errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        if (version >= 16) {
            assertThat(partition.currentLeader().leaderId()).isEqualTo(2);
            assertThat(response.nodeEndpoints().find(2).host()).isEqualTo("host2");
        } else {
            assertThat(partition.currentLeader().leaderId()).isEqualTo(-1);
            assertThat(response.nodeEndpoints()).isEmpty();
        }
    }
}
