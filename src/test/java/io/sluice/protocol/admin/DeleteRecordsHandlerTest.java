package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.ProducerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.junit.jupiter.api.Test;

class DeleteRecordsHandlerTest {
    /** A log holding offsets [start, end). */
    static final class FakeLog implements LeaderLogs.LeaderLog {
        long start;
        final long end;
        final List<Long> deletions = new ArrayList<>();

        FakeLog(long start, long end) {
            this.start = start;
            this.end = end;
        }

        @Override
        public long highWatermark() {
            return end;
        }

        @Override
        public long deleteRecordsBefore(long offset) {
            deletions.add(offset);
            start = Math.max(start, offset);
            return start;
        }

        @Override
        public List<ProducerInfo> activeProducers() {
            return List.of();
        }
    }

    private final FakeMetadata metadata = new FakeMetadata(1);
    private final FakeLog log = new FakeLog(5, 100);
    private final LeaderLogs logs = (image, tp) -> {
        if (tp.equals(new TopicPartition("t", 0))) {
            return log;
        }
        if (tp.equals(new TopicPartition("t", 1))) {
            throw new NotLeaderOrFollowerException("Node 1 is not the leader of t-1");
        }
        throw new UnknownTopicOrPartitionException("This server does not host " + tp);
    };
    private final DeleteRecordsHandler handler = new DeleteRecordsHandler(metadata, logs);

    private DeleteRecordsPartitionResult delete(int version, String topic, int partition, long offset) {
        return delete(handler, version, topic, partition, offset);
    }

    static DeleteRecordsPartitionResult delete(DeleteRecordsHandler handler, String topic, int partition, long offset) {
        return delete(handler, 2, topic, partition, offset);
    }

    private static DeleteRecordsPartitionResult delete(DeleteRecordsHandler handler, int version, String topic,
            int partition, long offset) {
        DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(1000);
        data.topics().add(new DeleteRecordsTopic().setName(topic)
                .setPartitions(List.of(new DeleteRecordsPartition().setPartitionIndex(partition).setOffset(offset))));
        DeleteRecordsResponseData response = wire(await(handler.handle(context(ApiKeys.DELETE_RECORDS, version),
                new DeleteRecordsRequest.Builder(data).build((short) version))), version);
        return response.topics().find(topic).partitions().find(partition);
    }

    @Test
    void advancesTheLogStartAndReturnsTheLowWatermark() {
        metadata.addTopic("t", 2, Map.of());

        DeleteRecordsPartitionResult result = delete(2, "t", 0, 40);

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.lowWatermark()).isEqualTo(40);
        assertThat(log.deletions).containsExactly(40L);
    }

    @Test
    void minusOneMeansTheHighWatermark() {
        DeleteRecordsPartitionResult result = delete(0, "t", 0, -1);

        assertThat(result.lowWatermark()).isEqualTo(100);
        assertThat(log.deletions).containsExactly(100L);
    }

    @Test
    void anOffsetBelowTheStartLeavesTheStartWhereItIs() {
        assertThat(delete(1, "t", 0, 2).lowWatermark()).isEqualTo(5);
    }

    @Test
    void beyondTheEndOrNegativeIsOffsetOutOfRange() {
        DeleteRecordsPartitionResult beyond = delete(2, "t", 0, 101);
        DeleteRecordsPartitionResult negative = delete(2, "t", 0, -5);

        assertThat(beyond.errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
        assertThat(beyond.lowWatermark()).isEqualTo(-1);
        assertThat(negative.errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
        assertThat(log.deletions).isEmpty();
    }

    @Test
    void leadershipAndExistenceErrorsComeFromTheLogLookup() {
        assertThat(delete(2, "t", 1, 3).errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(delete(2, "nope", 0, 3).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
}
