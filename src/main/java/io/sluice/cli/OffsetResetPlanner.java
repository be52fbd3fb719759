package io.sluice.cli;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** Works out the new committed offsets of a reset, as kafka-consumer-groups.sh does. */
final class OffsetResetPlanner {
    private OffsetResetPlanner() {
    }

    /**
     * What is known of one partition: its log start and end, the group's committed offset (null
     * if none) and, for a date-time reset, the first offset at or after the time (null or negative
     * when no record is that recent).
     */
    record PartitionOffsets(long earliest, long latest, Long committed, Long forTimestamp) {
    }

    /**
     * A target outside the log (--to-offset, --shift-by) is moved to the nearest end, so that the
     * consumer neither re-reads deleted records nor waits for offsets that do not exist.
     * @throws CommandFailedException for --shift-by on a partition without a committed offset
     */
    static Map<TopicPartition, Long> plan(OffsetResetSpec spec, Collection<TopicPartition> partitions,
                                          Map<TopicPartition, PartitionOffsets> offsets) {
        Map<TopicPartition, Long> plan = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionOffsets known = offsets.get(tp);
            if (known == null) {
                throw new CommandFailedException("no offsets known for partition " + tp, SluiceCommand.EXIT_FAILURE);
            }
            plan.put(tp, target(spec, tp, known));
        }
        return plan;
    }

    private static long target(OffsetResetSpec spec, TopicPartition tp, PartitionOffsets known) {
        return switch (spec.kind()) {
            case EARLIEST -> known.earliest();
            case LATEST -> known.latest();
            case OFFSET -> clamp(spec.value(), known);
            case DATETIME -> known.forTimestamp() == null || known.forTimestamp() < 0
                    ? known.latest() : known.forTimestamp();
            case SHIFT_BY -> {
                if (known.committed() == null) {
                    throw new CommandFailedException("cannot shift the offset of partition " + tp
                            + ": the group has no committed offset there", SluiceCommand.EXIT_FAILURE);
                }
                yield clamp(saturatedAdd(known.committed(), spec.value()), known);
            }
        };
    }

    private static long clamp(long offset, PartitionOffsets known) {
        return Math.max(known.earliest(), Math.min(known.latest(), offset));
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return sum;
    }
}
