package io.sluice.protocol.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.log.Log;
import io.sluice.log.LogConfig;
import io.sluice.replication.Replication;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DeleteRecords on a replicated partition stops at the replicated high watermark, not at the log end. */
class LeaderLogAdapterTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    private Log log;

    @BeforeEach
    void open() {
        log = Log.open(dir.resolve("t-0"), LogConfig.of(Map.of(), Map.of()), 0L, false, Time.SYSTEM,
                (name, delayMs, task) -> { });
        SimpleRecord[] records = new SimpleRecord[10];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        log.append(MemoryRecords.withRecords(Compression.NONE, records), 0);
    }

    @AfterEach
    void close() {
        log.close();
    }

    /** Followers have copied the first four records only. */
    private final Replication replication = new Replication() {
        @Override
        public long highWatermark(TopicPartition tp, Log partitionLog) {
            return 4;
        }
    };

    @Test
    void theHighWatermarkIsTheReplicatedOneNotTheLogEnd() {
        LeaderLogs.LeaderLog adapter = new LeaderLogs.LogAdapter(TP, log, replication);

        assertThat(log.logEndOffset()).isEqualTo(10);
        assertThat(adapter.highWatermark()).isEqualTo(4);
    }

    @Test
    void deleteRecordsPastTheReplicatedHighWatermarkIsRefusedAndDeletesNothing() {
        FakeMetadata metadata = new FakeMetadata(1);
        metadata.addTopic("t", 1, Map.of());
        DeleteRecordsHandler handler = new DeleteRecordsHandler(metadata,
                (image, tp) -> new LeaderLogs.LogAdapter(tp, log, replication));

        assertThat(DeleteRecordsHandlerTest.delete(handler, "t", 0, 8).errorCode())
                .isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
        assertThat(log.logStartOffset()).isZero();
        assertThat(DeleteRecordsHandlerTest.delete(handler, "t", 0, -1).lowWatermark()).isEqualTo(4);
        assertThat(log.logStartOffset()).isEqualTo(4);
    }

    @Test
    void withoutReplicationTheHighWatermarkIsTheLogEnd() {
        assertThat(new LeaderLogs.LogAdapter(TP, log, Replication.NONE).highWatermark()).isEqualTo(10);
    }
}
