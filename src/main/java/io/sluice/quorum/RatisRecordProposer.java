package io.sluice.quorum;

import io.sluice.metadata.MetadataRecord;
import io.sluice.metadata.MetadataRecordCodec;
import static io.sluice.util.Futures.unwrap;
import io.sluice.controller.RecordProposer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.protocol.exceptions.TimeoutIOException;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proposes batches straight to the local Raft server while this node leads, and otherwise through a RaftClient
 * (created on first need) that targets the whole group, so a node that does not lead has its batch relayed to
 * the leader. The reply is produced by the leader's apply of the batch; the future completes once the
 * local state machine has applied the same entry too, so the caller's next read of the local image sees it.
 *
 * <p>When the leader dies, Ratis may close the client's ordered request window for good; every later send on that
 * client would fail. The proposer then replaces its client. The failed proposal itself is not resent (it may have
 * reached the old leader's log): it fails with NOT_CONTROLLER, which clients retry.
 */
final class RatisRecordProposer implements RecordProposer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RatisRecordProposer.class);

    private final LazyRaftClient client;
    private final MetadataStateMachine stateMachine;
    private volatile LocalLeaderSubmitter local;

    RatisRecordProposer(Supplier<RaftClient> clients, MetadataStateMachine stateMachine) {
        this.client = new LazyRaftClient(clients);
        this.stateMachine = stateMachine;
    }

    /** Set once the node's Raft server exists; until then every proposal goes through the client. */
    void submitLocallyWhileLeading(LocalLeaderSubmitter submitter) {
        this.local = submitter;
    }

    @Override
    public CompletableFuture<Void> propose(List<MetadataRecord> batch) {
        return propose(batch, -1L);
    }

    @Override
    public CompletableFuture<Void> propose(List<MetadataRecord> batch, long controllerTerm) {
        Message message = Message.valueOf(ByteString.copyFrom(MetadataRecordCodec.encodeCommand(batch, controllerTerm)));
        CompletableFuture<Void> result = new CompletableFuture<>();
        LocalLeaderSubmitter submitter = local;
        if (submitter != null && submitter.leads()) {
            submitter.submit(message).whenComplete((reply, error) -> {
                if (error == null && reply.getNotLeaderException() != null) {
                    // Deposed between the check and the submit; nothing was appended, so the leader may have it.
                    sendThroughClient(message, result);
                } else if (error != null) {
                    result.completeExceptionally(toApiException(error));
                } else {
                    complete(reply, result);
                }
            });
        } else {
            sendThroughClient(message, result);
        }
        return result;
    }

    private void sendThroughClient(Message message, CompletableFuture<Void> result) {
        RaftClient sender = client.get();
        sender.async().send(message).whenComplete((reply, error) -> {
            if (error != null) {
                if (unwrap(error) instanceof AlreadyClosedException && client.renew(sender)) {
                    LOG.info("Replaced the metadata Raft client after its request window closed");
                }
                result.completeExceptionally(toApiException(error));
            } else {
                complete(reply, result);
            }
        });
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Closing a metadata Raft client failed", e);
        }
    }

    private void complete(RaftClientReply reply, CompletableFuture<Void> result) {
        if (!reply.isSuccess()) {
            result.completeExceptionally(toApiException(reply.getException()));
            return;
        }
        ApplyReply applied = ApplyReply.fromBytes(reply.getMessage().getContent().toByteArray());
        ApiException rejected = applied.exception();
        // Rejected or not, the entry is in the log: once applied here, the local image explains the outcome
        // (e.g. the topic that made a creation fail with TopicExistsException is visible).
        stateMachine.whenApplied(reply.getLogIndex()).whenComplete((ignored, error) -> {
            if (rejected != null) {
                result.completeExceptionally(rejected);
            } else {
                result.complete(null);
            }
        });
    }

    static ApiException toApiException(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof NotLeaderException || cause instanceof LeaderNotReadyException
                || cause instanceof AlreadyClosedException) {
            return new NotControllerException("This node is not the active controller: " + cause.getMessage());
        }
        if (cause instanceof TimeoutIOException || cause instanceof RaftRetryFailureException) {
            return new TimeoutException("The metadata quorum did not commit the change: " + cause.getMessage());
        }
        return new UnknownServerException("Metadata proposal failed: " + cause, cause);
    }
}
