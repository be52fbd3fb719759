/**
 * The replicas hosted on this broker: one {@link io.sluice.partition.Partition} each (its log, role, leader epoch,
 * ISR with any change in flight, high watermark, follower progress and acks=all waits), the
 * {@link io.sluice.partition.ReplicaManager} that keeps them in step with the metadata image, and the
 * {@link io.sluice.partition.ReplicaFetcher} threads that copy the partitions led elsewhere. Request handlers, the
 * group coordinator's offset store and the fetchers reach a log only through its {@code Partition}.
 *
 * <p>Threading rule: a {@code Partition} changes its state under its own locks, collects the futures its change
 * answers (acks=all waits) and the long-poll wake-ups it causes, and completes them after releasing the locks. It
 * never calls into a handler or another partition while holding them.
 */
package io.sluice.partition;
