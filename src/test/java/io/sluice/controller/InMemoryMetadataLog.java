package io.sluice.controller;

import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecord;
import io.sluice.metadata.RejectedBatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A proposer that applies batches at once to an in-memory image, as the state machine would. */
final class InMemoryMetadataLog implements RecordProposer {
    private volatile MetadataImage image = MetadataImage.empty();
    final List<List<MetadataRecord>> committed = new ArrayList<>();
    /** The term new entries get, as the Raft leader's term; commands of another controller term are rejected. */
    volatile long logTerm = 1;

    MetadataImage image() {
        return image;
    }

    @Override
    public synchronized CompletableFuture<Void> propose(List<MetadataRecord> batch, long controllerTerm) {
        if (controllerTerm >= 0 && controllerTerm != logTerm) {
            return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.NotControllerException(
                    "computed in term " + controllerTerm + ", log at " + logTerm));
        }
        return propose(batch);
    }

    @Override
    public synchronized CompletableFuture<Void> propose(List<MetadataRecord> batch) {
        MetadataDelta delta = new MetadataDelta(image);
        try {
            delta.applyAll(batch);
        } catch (RejectedBatchException e) {
            return CompletableFuture.failedFuture(e.error().exception(e.getMessage()));
        }
        image = delta.build(image.offset() + 1);
        committed.add(batch);
        return CompletableFuture.completedFuture(null);
    }
}
