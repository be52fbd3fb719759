package io.sluice.partition;

import io.sluice.metadata.PartitionImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A leader's view of its in-sync replicas: the ISR the controller last recorded ({@code committed}, with its
 * partition epoch) and the ISR this leader has asked for and not yet heard back on ({@code pending}, null when no
 * change is in flight). Kafka's {@code CommittedPartitionState}, {@code PendingExpandIsr} and {@code PendingShrinkIsr}
 * in one immutable value: a change may add and remove replicas at once.
 */
record IsrState(List<Integer> committed, int partitionEpoch, List<Integer> pending) {
    static final IsrState EMPTY = new IsrState(List.of(), -1, null);

    IsrState {
        committed = List.copyOf(committed);
        pending = pending == null ? null : List.copyOf(pending);
    }

    static IsrState committed(PartitionImage image) {
        return new IsrState(image.isr(), image.partitionEpoch(), null);
    }

    boolean inFlight() {
        return pending != null;
    }

    IsrState propose(List<Integer> wanted) {
        return new IsrState(committed, partitionEpoch, wanted);
    }

    IsrState abandonChange() {
        return new IsrState(committed, partitionEpoch, null);
    }

    /**
     * Kafka's maximal ISR: while a change is in flight, every replica of either list. The high watermark and the
     * acks=all waits count all of them, so that what they promise holds whichever way the controller decides: a
     * replica being removed still holds the records, one being added has reached the high watermark.
     */
    List<Integer> maximal() {
        if (pending == null) {
            return committed;
        }
        List<Integer> all = new ArrayList<>(committed);
        for (int replica : pending) {
            if (!all.contains(replica)) {
                all.add(replica);
            }
        }
        return all;
    }
}
