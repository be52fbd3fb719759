package io.sluice.cli;

import org.apache.kafka.common.TopicPartition;

/**
 * One line of {@code groups --describe}: a partition the group has a committed offset on or is
 * assigned. Null fields are unknown (no commit, no member, no log end).
 */
record GroupOffsetRow(String group, TopicPartition partition, Long currentOffset, Long logEndOffset,
                      String consumerId, String host, String clientId) {

    /** Log end minus the committed offset, never negative; null when either is unknown. */
    Long lag() {
        if (currentOffset == null || logEndOffset == null) {
            return null;
        }
        return Math.max(0, logEndOffset - currentOffset);
    }
}
