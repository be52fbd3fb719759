package io.sluice.protocol.data;

import io.sluice.controller.Controller;
import io.sluice.log.Log;
import io.sluice.log.LogManager;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.quorum.MetadataService;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.partition.Partition;
import io.sluice.partition.ReplicaManager;
import io.sluice.protocol.RequestContext;
import io.sluice.testing.TestReplicas;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Time;

/**
 * Node 1 of a three-broker image with topic "t": partition 0 led here, alone in its ISR, in a settable leader epoch;
 * partition 1 led by node 2. Real logs and partitions in a temporary directory, a fixed metadata image, and a wire
 * round trip for responses.
 */
final class EpochTestBroker implements MetadataService {
    static final int NODE = 1;
    static final TopicPartition LED = new TopicPartition("t", 0);
    static final TopicPartition ELSEWHERE = new TopicPartition("t", 1);
    private static final Uuid TOPIC_ID = new Uuid(0, 42);
    private static final long NOW = 1_700_000_000_000L;

    final LogManager logs;
    final ReplicaManager partitions;
    private MetadataImage image;

    EpochTestBroker(Path dir) {
        logs = new LogManager(List.of(dir), Map.of(), 300_000L, Time.SYSTEM);
        partitions = TestReplicas.replicaManager(NODE, logs, Map.of());
        setLeaderEpoch(0);
    }

    void setLeaderEpoch(int epoch) {
        TreeMap<Integer, PartitionImage> parts = new TreeMap<>();
        parts.put(0, new PartitionImage(0, List.of(1, 2, 3), List.of(1), NODE, epoch, epoch));
        parts.put(1, new PartitionImage(1, List.of(2, 1, 3), List.of(2, 1, 3), 2, 0, 0));
        TopicImage topic = new TopicImage("t", TOPIC_ID, parts, Map.of());
        Map<Integer, BrokerImage> brokers = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            brokers.put(id, new BrokerImage(id, "host" + id, 9090 + id, null, false));
        }
        MetadataImage previous = image;
        image = new MetadataImage(epoch + 1, "cluster", brokers, new HashMap<>(Map.of("t", topic)),
                new HashMap<>(Map.of(TOPIC_ID, topic)), 0);
        partitions.onImage(previous, image);
    }

    Log log() {
        return logs.get(LED);
    }

    Partition led() {
        return partitions.partition(LED);
    }

    /** Appends records as the leader of the given epoch. */
    void write(int epoch, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(NOW, values[i].getBytes(StandardCharsets.UTF_8));
        }
        log().append(MemoryRecords.withRecords(Compression.NONE, records), epoch);
    }

    static RequestContext context(ApiKeys key, int version) {
        return new RequestContext(new RequestHeader(key, (short) version, "test-client", 7), null);
    }

    /** Serialises a response at a version and reads it back, as a client would see it. */
    @SuppressWarnings("unchecked")
    static <T extends ApiMessage> T wire(T message, int version) {
        ByteBufferAccessor written = MessageUtil.toByteBufferAccessor(message, (short) version);
        ByteBuffer buffer = written.buffer();
        if (buffer.position() != 0) {
            buffer.flip();
        }
        ApiMessage read = ApiKeys.forId(message.apiKey()).messageType.newResponse();
        read.read(new ByteBufferAccessor(buffer), (short) version);
        return (T) read;
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void addListener(MetadataListener listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Controller controller() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        partitions.close();
        logs.shutdown();
    }
}
