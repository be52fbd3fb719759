package io.sluice.protocol.data;

import io.sluice.quorum.MetadataService;
import io.sluice.partition.AppendWatchers;
import io.sluice.partition.PartitionLookup;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;

/**
 * Fetch for consumers and follower replicas (replica id >= 0: they read past the high watermark and
 * report their log end offset). Records go out as file slices (zero copy). Fetch sessions are answered with
 * session id 0, which tells clients to keep sending full fetch requests (KIP-227's fallback).
 */
public final class FetchHandler implements ApiHandler<FetchRequest> {
    private static final int NO_SESSION = 0;

    private final MetadataService metadata;
    private final PartitionLookup partitions;
    private final AppendWatchers watchers;
    private final ScheduledExecutorService timer;
    private final Executor requestThreads;

    public FetchHandler(MetadataService metadata, PartitionLookup partitions, AppendWatchers watchers,
                        ScheduledExecutorService timer, Executor requestThreads) {
        this.metadata = metadata;
        this.partitions = partitions;
        this.watchers = watchers;
        this.timer = timer;
        this.requestThreads = requestThreads;
    }

    @Override
    public CompletableFuture<FetchResponseData> handle(RequestContext context, FetchRequest request) {
        FetchRequestData data = request.data();
        if (data.sessionId() != NO_SESSION) {
            return CompletableFuture.completedFuture(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()).setSessionId(NO_SESSION));
        }
        FetchRead read = new FetchRead(data, context.apiVersion(), partitions, request.replicaId());
        FetchRead.Result first = read.read(metadata.image());
        if (data.maxWaitMs() <= 0 || first.bytes() >= data.minBytes() || first.hasErrors() || data.topics().isEmpty()) {
            return CompletableFuture.completedFuture(first.response());
        }
        return new DelayedFetch(read, data.minBytes(), metadata, watchers, requestThreads)
                .start(timer, data.maxWaitMs());
    }
}
