/**
 * The transaction coordinator: {@link io.sluice.transaction.TransactionCoordinator} keeps each transactional id's
 * {@link io.sluice.transaction.TransactionMetadata} in __transaction_state through the coordinator runtime, moves it
 * through the {@link io.sluice.transaction.TransactionState} machine, and has the markers of decided transactions
 * written by the {@link io.sluice.transaction.TransactionMarkerSender}; partition leaders check a transaction's first
 * batch with it through the {@link io.sluice.transaction.TransactionVerifier} (KIP-890).
 *
 * <p>Threading rule: coordinator changes run as events of the id's __transaction_state partition and hold no lock;
 * the sender and the verifier each have one thread of their own, and whatever they are answered on other threads
 * comes back to it. Nothing here completes a request's future while holding a lock; a produce that waited for the
 * verifier appends back on a request thread, not on the thread that answered it.
 */
package io.sluice.transaction;
