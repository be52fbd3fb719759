package io.sluice.it.cluster;

import static io.sluice.it.cluster.PartitionView.leaderId;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.Clients;
import io.sluice.it.Poll;
import io.sluice.it.RawKafkaConnection;
import io.sluice.it.SluiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeletedRecords;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeleteRecords on a replicated partition stops at the high watermark: with an in-sync follower frozen
 * (SIGSTOP), records written with acks=1 are above it, and deleting them is refused with OFFSET_OUT_OF_RANGE, so a
 * leader change can never leave the log start past what the new leader holds.
 */
class DeleteRecordsHighWatermarkIntegrationTest {
    private static final String TOPIC = "trimmed";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int REPLICATED = 100;
    private static final int LEADER_ONLY = 50;

    @TempDir
    Path dir;
    private List<SluiceProcess> nodes = List.of();

    @AfterEach
    void stopCluster() {
        nodes.forEach(SluiceProcess::close);
    }

    @Test
    void deleteRecordsPastTheHighWatermarkIsRefusedWhileAFollowerIsFrozenAndEveryRecordStaysReadable()
            throws Exception {
        // Far longer than the test: the frozen follower stays in the ISR (and registered) throughout.
        nodes = SluiceProcess.startCluster(dir, 3, Map.of(
                "broker.session.timeout.ms", "60000",
                "replica.lag.time.max.ms", "60000",
                "offsets.topic.num.partitions", "1"));
        SluiceProcess leader = nodes.get(leaderId(PartitionView.createFullyReplicated(nodes, TOPIC)) - 1);
        SluiceProcess frozen = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        String reachable = nodes.stream().filter(n -> n != frozen).map(SluiceProcess::bootstrap)
                .collect(Collectors.joining(","));

        Clients.produceNumbered(reachable, "all", PARTITION, "v-", 0, REPLICATED);
        frozen.pause();
        List<RecordMetadata> leaderOnly = Clients.produceNumbered(reachable, "1", PARTITION, "v-", REPLICATED, LEADER_ONLY);
        long logEnd = leaderOnly.get(LEADER_ONLY - 1).offset() + 1;
        assertThat(logEnd).isEqualTo(REPLICATED + LEADER_ONLY);

        // While the follower is frozen, talk to the leader alone: an Admin client may pick the frozen node.
        assertThat(BrokerFaultsIntegrationTest.partitionSeenBy(leader, TOPIC, 0).isrNodes()).contains(frozen.nodeId());
        for (long offset : new long[] {logEnd, REPLICATED + 1}) {
            DeleteRecordsPartitionResult refused = deleteBefore(leader, offset);
            assertThat(Errors.forCode(refused.errorCode()))
                    .as("DeleteRecords before %d with the high watermark at %d", offset, REPLICATED)
                    .isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
        }

        try (Admin admin = Clients.admin(reachable)) {
            frozen.resume();
            Poll.until(WAIT, () -> Clients.endOffsets(reachable, List.of(PARTITION)).get(PARTITION) == logEnd,
                    "the high watermark to reach the log end once the follower resumes");
            List<ConsumerRecord<String, String>> all = Clients.readFromBeginning(reachable, List.of(PARTITION),
                    (int) logEnd, WAIT);
            assertThat(all).hasSize((int) logEnd);
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).offset()).isEqualTo(i);
                assertThat(all.get(i).value()).isEqualTo("v-" + i);
            }
            // Now every replica holds them: the same request is accepted.
            assertThat(deleteBefore(admin, logEnd)).isEqualTo(logEnd);
        }
        System.out.printf("DeleteRecords with follower %d frozen: refused before %d (high watermark %d); "
                + "all %d records read after it resumed%n", frozen.nodeId(), logEnd, REPLICATED, logEnd);
    }

    private static DeleteRecordsPartitionResult deleteBefore(SluiceProcess leader, long offset) {
        try (RawKafkaConnection connection = RawKafkaConnection.open(leader.port())) {
            DeleteRecordsRequestData request = new DeleteRecordsRequestData().setTimeoutMs(10_000);
            request.topics().add(new DeleteRecordsTopic().setName(TOPIC).setPartitions(List.of(
                    new DeleteRecordsPartition().setPartitionIndex(0).setOffset(offset))));
            DeleteRecordsResponseData response = connection.send(request, (short) 2);
            return response.topics().find(TOPIC).partitions().find(0);
        }
    }

    private static long deleteBefore(Admin admin, long offset) throws Exception {
        DeletedRecords deleted = admin.deleteRecords(Map.of(PARTITION, RecordsToDelete.beforeOffset(offset)))
                .lowWatermarks().get(PARTITION).get(20, TimeUnit.SECONDS);
        return deleted.lowWatermark();
    }
}
