package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.ProducerInfo;
import java.util.List;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.junit.jupiter.api.Test;

class DescribeProducersHandlerTest {
    private final FakeMetadata metadata = new FakeMetadata(1);
    private final LeaderLogs logs = (image, tp) -> {
        if (tp.partition() == 1) {
            throw new NotLeaderOrFollowerException("Node 1 is not the leader of " + tp);
        }
        return new LeaderLogs.LeaderLog() {
            @Override
            public long highWatermark() {
                return 0;
            }

            @Override
            public long deleteRecordsBefore(long offset) {
                throw new AssertionError("not used");
            }

            @Override
            public List<ProducerInfo> activeProducers() {
                return List.of(new ProducerInfo(1000L, (short) 3, 41, 1_700_000_000_000L, -1L));
            }
        };
    };

    @Test
    void listsActiveProducersPerPartitionAndErrorsPerPartition() {
        DescribeProducersRequestData data = new DescribeProducersRequestData();
        data.topics().add(new TopicRequest().setName("t").setPartitionIndexes(List.of(0, 1)));
        DescribeProducersRequest request = new DescribeProducersRequest.Builder(data).build((short) 0);

        DescribeProducersResponseData response = wire(await(new DescribeProducersHandler(metadata, logs)
                .handle(context(ApiKeys.DESCRIBE_PRODUCERS, 0), request)), 0);

        List<PartitionResponse> partitions = response.topics().get(0).partitions();
        assertThat(response.topics().get(0).name()).isEqualTo("t");
        assertThat(partitions).extracting(PartitionResponse::partitionIndex).containsExactly(0, 1);
        assertThat(partitions.get(0).errorCode()).isEqualTo(Errors.NONE.code());
        ProducerState producer = partitions.get(0).activeProducers().get(0);
        assertThat(producer.producerId()).isEqualTo(1000L);
        assertThat(producer.producerEpoch()).isEqualTo(3);
        assertThat(producer.lastSequence()).isEqualTo(41);
        assertThat(producer.lastTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(producer.coordinatorEpoch()).isEqualTo(-1);
        assertThat(producer.currentTxnStartOffset()).isEqualTo(-1L);
        assertThat(partitions.get(1).errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(partitions.get(1).errorMessage()).isEqualTo("Node 1 is not the leader of t-1");
        assertThat(partitions.get(1).activeProducers()).isEmpty();
    }
}
