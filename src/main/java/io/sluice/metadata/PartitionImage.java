package io.sluice.metadata;

import java.util.List;

/** A partition's replica assignment and leadership as the metadata log last recorded them. */
public record PartitionImage(int partition, List<Integer> replicas, List<Integer> isr, int leader,
                             int leaderEpoch, int partitionEpoch) {
}
