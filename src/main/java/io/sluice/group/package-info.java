/**
 * The group coordinator: {@link io.sluice.group.GroupCoordinator} and its parts for the classic protocol (rebalance,
 * with the explicit {@link io.sluice.group.GroupState} machine), for KIP-848 consumer groups
 * ({@link io.sluice.group.ConsumerRebalance}, the groups themselves in {@code io.sluice.group.consumer}) and for
 * both (offsets, admin, loading, migration between the protocols).
 *
 * <p>Threading rule: a group's state is read and changed only in its events ({@link io.sluice.group.Groups#run}),
 * which run one at a time per group on the coordinator's event executor ({@link io.sluice.coordinator.EventQueue})
 * and hold no lock. Requests, timers and answers of the offsets store each submit an event; none waits for another.
 * The answers an event decides (a rebalance completing every waiting JoinGroup, an assignment answering every
 * waiting SyncGroup) are queued in a {@link io.sluice.group.DeferredCompletions} scope and completed once the event
 * has run, so the callbacks they trigger (the network layer resuming those members' connections, on their own
 * executor) never run inside a group's change.
 */
package io.sluice.group;
