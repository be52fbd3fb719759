package io.sluice.protocol.admin;

import static io.sluice.protocol.admin.AdminTestSupport.await;
import static io.sluice.protocol.admin.AdminTestSupport.context;
import static io.sluice.protocol.admin.AdminTestSupport.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.LogManager;
import io.sluice.partition.ReplicaManager;
import io.sluice.testing.TestReplicas;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteRecordsHandlerTest {
    private static final TopicPartition T0 = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    private LogManager logs;
    private ReplicaManager partitions;
    private DeleteRecordsHandler handler;

    /** t-0 led here alone, holding offsets [5, 100); t-1 led by node 2. */
    @BeforeEach
    void setUp() {
        logs = new LogManager(List.of(dir), Map.of(), 300_000L, Time.SYSTEM);
        partitions = TestReplicas.replicaManager(1, logs, Map.of());
        partitions.onImage(null, TestReplicas.ledHereAndElsewhere());
        SimpleRecord[] records = new SimpleRecord[100];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(("r" + i).getBytes(StandardCharsets.UTF_8));
        }
        partitions.partition(T0).appendAsLeader(MemoryRecords.withRecords(Compression.NONE, records), (short) 1, 0);
        partitions.partition(T0).deleteRecordsBefore(5);
        handler = new DeleteRecordsHandler(partitions);
    }

    @AfterEach
    void tearDown() {
        partitions.close();
        logs.shutdown();
    }

    private long logStart() {
        return partitions.partition(T0).logStartOffset();
    }

    private DeleteRecordsPartitionResult delete(int version, String topic, int partition, long offset) {
        return delete(handler, version, topic, partition, offset);
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
        DeleteRecordsPartitionResult result = delete(2, "t", 0, 40);

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.lowWatermark()).isEqualTo(40);
        assertThat(logStart()).isEqualTo(40);
    }

    @Test
    void minusOneMeansTheHighWatermark() {
        DeleteRecordsPartitionResult result = delete(0, "t", 0, -1);

        assertThat(result.lowWatermark()).isEqualTo(100);
        assertThat(logStart()).isEqualTo(100);
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
        assertThat(logStart()).isEqualTo(5);
    }

    @Test
    void leadershipAndExistenceErrorsComeFromThePartitionLookup() {
        assertThat(delete(2, "t", 1, 3).errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(delete(2, "nope", 0, 3).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
}
