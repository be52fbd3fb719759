package io.sluice.group.share;

import io.sluice.log.FileSlice;
import io.sluice.partition.FetchParams;
import io.sluice.partition.FetchResult;
import io.sluice.partition.Partition;
import io.sluice.partition.PartitionLookup;
import io.sluice.share.AcknowledgementBatch;
import io.sluice.share.AcquireMode;
import io.sluice.share.AcquiredRecords;
import io.sluice.share.FetchedBatch;
import io.sluice.share.SharePartition;
import io.sluice.share.SharePartitionConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The share-partitions this broker leads: one {@link SharePartition} per share group and topic-partition, created
 * at the group's first fetch of the partition in this leader epoch, at the partition's high watermark, or at its
 * log start offset when the group's {@code share.auto.offset.reset} config is earliest; and what a ShareFetch does
 * with it: read the log from the share-partition's next fetch offset, acquire what is available for the member,
 * apply acknowledgements. The delivery state is kept in memory only: after a restart or a leader move the group
 * starts the partition over.
 *
 * <p>Threading: thread-safe; each share-partition is changed under its own monitor, which no future completes
 * under.
 */
public final class SharePartitionManager {
    private static final Logger log = LoggerFactory.getLogger(SharePartitionManager.class);
    /** The batch header's fields up to lastOffsetDelta (magic v2). */
    private static final int BATCH_HEADER_PREFIX = 27;
    private static final int LENGTH_OFFSET = 8;
    private static final int LAST_OFFSET_DELTA_OFFSET = 23;

    private record Key(String groupId, TopicPartition partition) {
    }

    /** A share-partition and the leader epoch it was created in: a new leadership starts it over. */
    private record Led(SharePartition share, int leaderEpoch) {
    }

    /** What one partition gave a fetch: the records read (the bytes of the log) and the ranges acquired in them. */
    public record Acquired(FileSlice records, List<AcquiredRecords> ranges) {
        public static final Acquired NOTHING = new Acquired(null, List.of());
    }

    private final PartitionLookup partitions;
    private final SharePartitionConfig config;
    private final LongSupplier clockMs;
    private final Function<String, Map<String, String>> groupConfigs;
    private final Map<Key, Led> byKey = new ConcurrentHashMap<>();

    /** @param groupConfigs a group's config overrides (the metadata's, for share.auto.offset.reset) */
    public SharePartitionManager(PartitionLookup partitions, SharePartitionConfig config, LongSupplier clockMs,
                                 Function<String, Map<String, String>> groupConfigs) {
        this.partitions = partitions;
        this.config = config;
        this.clockMs = clockMs;
        this.groupConfigs = groupConfigs;
    }

    public SharePartitionConfig config() {
        return config;
    }

    /**
     * Reads from the share-partition's next fetch offset and acquires up to {@code maxRecords} records for the
     * member; throws the ApiException a client should see when this broker does not lead the partition.
     */
    public Acquired acquire(String groupId, TopicPartition tp, String memberId, int maxRecords, int maxBytes) {
        Partition partition = partitions.partition(tp);
        SharePartition share = sharePartition(groupId, tp, partition);
        synchronized (share) {
            share.expireLocks();
            if (!share.canAcquire()) {
                return Acquired.NOTHING;
            }
            long from = Math.max(share.nextFetchOffset(), partition.logStartOffset());
            if (from >= partition.highWatermark()) {
                return Acquired.NOTHING;
            }
            FetchResult read = partition.read(new FetchParams(-1, from, -1, -1, maxBytes, true, false, false));
            FileSlice slice = read.info().slice();
            List<FetchedBatch> batches = batchesOf(slice);
            if (batches.isEmpty()) {
                return Acquired.NOTHING;
            }
            List<AcquiredRecords> ranges = share.acquire(memberId, batches, maxRecords, AcquireMode.BATCH_OPTIMIZED);
            return ranges.isEmpty() ? Acquired.NOTHING : new Acquired(slice, ranges);
        }
    }

    /** The member's acknowledgements of records it holds; the first error, or NONE. */
    public Errors acknowledge(String groupId, TopicPartition tp, String memberId, List<AcknowledgementBatch> acks) {
        Led led = byKey.get(new Key(groupId, tp));
        if (led == null) {
            return Errors.INVALID_RECORD_STATE;
        }
        SharePartition share = led.share();
        List<Errors> results;
        synchronized (share) {
            results = share.acknowledge(memberId, acks);
        }
        for (Errors error : results) {
            if (error != Errors.NONE) {
                return error;
            }
        }
        return Errors.NONE;
    }

    /** The member left (its share session closed): what it holds goes back to the others. */
    public void releaseAll(String groupId, String memberId) {
        byKey.forEach((key, led) -> {
            if (key.groupId().equals(groupId)) {
                synchronized (led.share()) {
                    led.share().releaseAll(memberId);
                }
            }
        });
    }

    /**
     * The group's share-partition, created (or created again, when this broker led the partition in another leader
     * epoch since: another leader delivered records meanwhile) at the offset the group's config says.
     */
    private SharePartition sharePartition(String groupId, TopicPartition tp, Partition partition) {
        int epoch = partition.leaderEpoch();
        return byKey.compute(new Key(groupId, tp), (key, led) -> led != null && led.leaderEpoch() == epoch ? led
                : new Led(SharePartition.startingAt(
                        "earliest".equals(groupConfigs.apply(groupId).get("share.auto.offset.reset"))
                                ? partition.logStartOffset() : partition.highWatermark(),
                        config, clockMs, deadLetters -> log.debug(
                                "Share group {} archived records of {} at their delivery limit: {}", groupId, tp,
                                deadLetters)), epoch)).share();
    }

    /** The offsets of the record batches in the slice, from their headers. */
    static List<FetchedBatch> batchesOf(FileSlice slice) {
        List<FetchedBatch> batches = new ArrayList<>();
        ByteBuffer header = ByteBuffer.allocate(BATCH_HEADER_PREFIX);
        long position = slice.position();
        long end = slice.position() + slice.size();
        try {
            while (position + BATCH_HEADER_PREFIX <= end) {
                header.clear();
                while (header.hasRemaining()) {
                    if (slice.channel().read(header, position + header.position()) < 0) {
                        return batches;
                    }
                }
                long baseOffset = header.getLong(0);
                int length = header.getInt(LENGTH_OFFSET);
                if (position + 12 + length > end) {
                    break;
                }
                batches.add(new FetchedBatch(baseOffset, baseOffset + header.getInt(LAST_OFFSET_DELTA_OFFSET)));
                position += 12 + length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return batches;
    }
}
