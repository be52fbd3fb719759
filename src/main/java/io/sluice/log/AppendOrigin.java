package io.sluice.log;

/**
 * Who asks for a leader append. A client's batches carry sequence numbers the log checks (idempotence); a
 * coordinator's batches into its own topic (transactional offset commits) carry the producer's id and epoch but no
 * sequence of their own, so only the epoch is checked, as Kafka does for its coordinators.
 */
public enum AppendOrigin {
    CLIENT, COORDINATOR
}
