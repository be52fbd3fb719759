/**
 * KIP-848's server-side assignors ({@code group.consumer.assignors}): pure functions from an
 * {@link io.sluice.group.consumer.assignor.PartitionAssignor.AssignmentSpec} to a target assignment, safe to call
 * from any thread.
 */
package io.sluice.group.consumer.assignor;
