/**
 * The metadata quorum hosted on Apache Ratis: {@link io.sluice.quorum.RatisMetadataService} (start-up, voters or
 * listener, the {@link io.sluice.quorum.MetadataService} brokers use), the state machine that applies the log in
 * order and publishes images ({@link io.sluice.quorum.MetadataStateMachine}), proposing batches and routing
 * controller calls to the active controller ({@link io.sluice.quorum.RatisRecordProposer},
 * {@link io.sluice.quorum.ControllerRpc}, {@link io.sluice.quorum.HeartbeatRoutingController}), and voter discovery.
 * It sits on top of {@code controller} and {@code metadata}; nothing below imports it.
 *
 * <p>Threading rule: the state machine applies entries on Ratis's apply thread and tells listeners there; controller
 * operations are queued by {@link io.sluice.controller.QuorumController}; futures answered by Raft replies complete
 * on Ratis's client threads, never under a lock of ours.
 */
package io.sluice.quorum;
