/**
 * KIP-848 consumer groups as data: a {@link io.sluice.group.consumer.ConsumerGroup} (group epoch, target assignment,
 * who owns each partition, its {@link io.sluice.group.consumer.ConsumerGroupState}), its immutable
 * {@link io.sluice.group.consumer.ConsumerGroupMember}s, {@link io.sluice.group.consumer.MemberReconciliation}
 * (the {@link io.sluice.group.consumer.MemberState} machine), the records a group persists and how they are kept,
 * and the broker-side resolution of subscriptions. Knows nothing of requests, threads or the log: the group
 * coordinator ({@code io.sluice.group}) drives it in each group's events.
 */
package io.sluice.group.consumer;
