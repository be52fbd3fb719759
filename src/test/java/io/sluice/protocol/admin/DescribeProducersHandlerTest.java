package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.LogManager;
import io.sluice.partition.ReplicaManager;
import io.sluice.testing.TestReplicas;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import java.util.List;
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
    @TempDir
    Path dir;
    private LogManager logs;
    private ReplicaManager partitions;

    /** t-0 led here alone, holding one batch of producer 1000; t-1 led by node 2. */
    @BeforeEach
    void setUp() {
        logs = new LogManager(List.of(dir), Map.of(), 300_000L, Time.SYSTEM);
        partitions = TestReplicas.replicaManager(1, logs, Map.of());
        partitions.onImage(null, TestReplicas.ledHereAndElsewhere());
        partitions.partition(new TopicPartition("t", 0)).appendAsLeader(MemoryRecords.withIdempotentRecords(
                Compression.NONE, 1000L, (short) 3, 41, new SimpleRecord(1_700_000_000_000L, "v".getBytes())),
                (short) 1, 0);
    }

    @AfterEach
    void tearDown() {
        partitions.close();
        logs.shutdown();
    }

    @Test
    void listsActiveProducersPerPartitionAndErrorsPerPartition() {
        DescribeProducersRequestData data = new DescribeProducersRequestData();
        data.topics().add(new TopicRequest().setName("t").setPartitionIndexes(List.of(0, 1)));
        DescribeProducersRequest request = new DescribeProducersRequest.Builder(data).build((short) 0);

        DescribeProducersResponseData response = wire(await(new DescribeProducersHandler(partitions)
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
        assertThat(partitions.get(1).errorMessage()).startsWith("Node 1 is not the leader of t-1");
        assertThat(partitions.get(1).activeProducers()).isEmpty();
    }
}
