/**
 * The coordinator runtime ({@link io.sluice.coordinator.CoordinatorRuntime}): coordinators whose state lives in
 * the partitions of an internal topic run their writes, loads and unloads as events, one at a time per coordinator
 * partition; a write's response is parked until its records are replicated. Its serial unit, the
 * {@link io.sluice.coordinator.EventQueue}, also runs the classic groups' events. The group coordinator's offsets
 * store and the transaction coordinator run on it; the new group protocols are to run on it too.
 * {@link io.sluice.coordinator.CoordinatorLeadership} moves a coordinator with its partitions' leadership.
 *
 * <p>Threading rule: events hold no lock while they run; the futures an event answers are completed after it has
 * run, so no callback (a handler building its response, a connection resuming) runs inside a coordinator's change.
 * An event never waits for another: it submits one and is answered through a future.
 */
package io.sluice.coordinator;
