/**
 * The classic consumer group protocol: {@link io.sluice.group.GroupCoordinator} with its explicit
 * {@link io.sluice.group.GroupState} machine, and the groups and members it keeps.
 *
 * <p>Threading rule: each group is guarded by its own monitor, and no future is completed while one is held. A
 * section that takes a group's monitor opens a {@link io.sluice.group.DeferredCompletions} scope around it; the
 * answers decided inside (a rebalance completing every waiting JoinGroup, an assignment answering every waiting
 * SyncGroup) are completed when the scope closes, after the monitor is released, so the callbacks they run (the
 * network layer resuming those members' connections) never run under a group's lock.
 */
package io.sluice.group;
