package io.sluice.controller;

import io.sluice.metadata.MetadataRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Commits a batch of metadata records atomically. The future completes once the batch is applied to the local
 * image, or exceptionally with the Kafka ApiException that made the state machine reject it.
 */
@FunctionalInterface
public interface RecordProposer {
    CompletableFuture<Void> propose(List<MetadataRecord> batch);

    /**
     * Like {@link #propose(List)}, for a batch the active controller computed in Raft term {@code controllerTerm}:
     * the state machine rejects it (NotControllerException) if the log has moved on to another term by then.
     */
    default CompletableFuture<Void> propose(List<MetadataRecord> batch, long controllerTerm) {
        return propose(batch);
    }
}
