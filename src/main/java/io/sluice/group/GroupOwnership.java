package io.sluice.group;

import org.apache.kafka.common.protocol.Errors;

/**
 * Whether this node may serve a group now: NONE when it coordinates the group, NOT_COORDINATOR when another node
 * does (the client asks FindCoordinator again), COORDINATOR_LOAD_IN_PROGRESS while the group's state is still
 * being read (the client retries here).
 */
public interface GroupOwnership {
    /** A node that coordinates every group: a single node with nothing to load. */
    GroupOwnership ALL = groupId -> Errors.NONE;

    Errors errorFor(String groupId);
}
