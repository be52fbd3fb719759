/**
 * The state of KIP-932 share groups per share-partition: which records of a topic-partition a share group has
 * delivered, to whom, how often, and which are done. {@link io.sluice.share.SharePartition} is the entry point:
 * one per group and topic-partition, fed with what a fetch read from the log and with the members'
 * acknowledgements, and turned into and back from the persisted form ({@link io.sluice.share.ShareStateSnapshot},
 * what WriteShareGroupState carries).
 *
 * <p>No networking, logs or threads live here: the caller reads the log, answers the requests, writes the
 * snapshots and schedules a timer from {@link io.sluice.share.SharePartition#nextLockDeadlineMs()}.
 *
 * <p>Threading rule: a share-partition is not thread-safe; its owner makes every call on one thread at a time.
 * The value types of this package are immutable.
 */
package io.sluice.share;
