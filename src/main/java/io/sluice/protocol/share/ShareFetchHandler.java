package io.sluice.protocol.share;

import io.sluice.group.share.SharePartitionManager;
import io.sluice.group.share.ShareSessions;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import io.sluice.network.FileSliceRecords;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.quorum.MetadataService;
import io.sluice.share.AcquiredRecords;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareFetchRequest;

/**
 * ShareFetch v1 (KIP-932): updates the member's share session, applies the acknowledgements it carries, then
 * acquires records for the member from each partition of the session this broker leads. When nothing was acquired
 * and nothing acknowledged, it waits up to max_wait_ms (checking again every {@value #RECHECK_MS} ms) before
 * answering empty, so an idle consumer does not spin.
 */
public final class ShareFetchHandler implements ApiHandler<ShareFetchRequest> {
    private static final long RECHECK_MS = 50;

    private final MetadataService metadata;
    private final SharePartitionManager sharePartitions;
    private final ShareSessions sessions;
    private final ScheduledExecutorService waits;

    public ShareFetchHandler(MetadataService metadata, SharePartitionManager sharePartitions, ShareSessions sessions,
                             ScheduledExecutorService waits) {
        this.metadata = metadata;
        this.sharePartitions = sharePartitions;
        this.sessions = sessions;
        this.waits = waits;
    }

    @Override
    public CompletableFuture<ShareFetchResponseData> handle(RequestContext context, ShareFetchRequest request) {
        ShareFetchRequestData data = request.data();
        if (data.groupId() == null || data.groupId().isEmpty() || data.memberId() == null
                || data.memberId().isEmpty()) {
            return CompletableFuture.completedFuture(new ShareFetchResponseData()
                    .setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("GroupId and MemberId are required."));
        }
        MetadataImage image = metadata.image();
        List<TopicIdPartition> requested = new ArrayList<>();
        Map<TopicIdPartition, List<ShareFetchRequestData.AcknowledgementBatch>> acks = new LinkedHashMap<>();
        for (ShareFetchRequestData.FetchTopic topic : data.topics()) {
            for (ShareFetchRequestData.FetchPartition partition : topic.partitions()) {
                TopicIdPartition tp = topicIdPartition(image, topic.topicId(), partition.partitionIndex());
                requested.add(tp);
                if (!partition.acknowledgementBatches().isEmpty()) {
                    acks.put(tp, partition.acknowledgementBatches());
                }
            }
        }
        List<TopicIdPartition> forgotten = new ArrayList<>();
        for (ShareFetchRequestData.ForgottenTopic topic : data.forgottenTopicsData()) {
            for (int partition : topic.partitions()) {
                forgotten.add(topicIdPartition(image, topic.topicId(), partition));
            }
        }
        ShareSessions.Update session = sessions.update(data.groupId(), data.memberId(), data.shareSessionEpoch(),
                requested, forgotten);
        ShareFetchResponseData response = new ShareFetchResponseData()
                .setAcquisitionLockTimeoutMs(sharePartitions.config().recordLockDurationMs());
        if (session.error() != Errors.NONE) {
            return CompletableFuture.completedFuture(response.setErrorCode(session.error().code()));
        }
        Map<TopicIdPartition, ShareFetchResponseData.PartitionData> answers = new LinkedHashMap<>();
        acks.forEach((tp, batches) -> answers.put(tp, partitionData(tp).setAcknowledgeErrorCode(
                ShareAcknowledgements.apply(sharePartitions, data.groupId(), tp, data.memberId(), batches).code())));
        if (data.shareSessionEpoch() == ShareSessions.FINAL_EPOCH) {
            sharePartitions.releaseAll(data.groupId(), data.memberId());
            return CompletableFuture.completedFuture(respond(response, answers, answers.keySet()));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, data.maxWaitMs()));
        CompletableFuture<ShareFetchResponseData> result = new CompletableFuture<>();
        fetch(data, session.partitions(), answers, response, deadline, result);
        return result;
    }

    /** Acquires for the member; answers at once if anything was acquired or acknowledged, else retries until the deadline. */
    private void fetch(ShareFetchRequestData data, List<TopicIdPartition> partitions,
                       Map<TopicIdPartition, ShareFetchResponseData.PartitionData> acknowledged,
                       ShareFetchResponseData response, long deadlineNanos,
                       CompletableFuture<ShareFetchResponseData> result) {
        Map<TopicIdPartition, ShareFetchResponseData.PartitionData> answers = new LinkedHashMap<>(acknowledged);
        int budget = data.maxRecords() > 0 ? data.maxRecords() : Integer.MAX_VALUE;
        boolean acquired = false;
        for (TopicIdPartition tp : partitions) {
            if (budget <= 0) {
                break;
            }
            ShareFetchResponseData.PartitionData answer = answers.computeIfAbsent(tp, ShareFetchHandler::partitionData);
            if (tp.topic() == null) {
                answer.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                continue;
            }
            try {
                SharePartitionManager.Acquired got = sharePartitions.acquire(data.groupId(), tp.topicPartition(),
                        data.memberId(), budget, Math.max(1, Math.min(data.maxBytes(), 1 << 20)));
                if (!got.ranges().isEmpty()) {
                    acquired = true;
                    answer.setRecords(new FileSliceRecords(got.records()));
                    for (AcquiredRecords range : got.ranges()) {
                        answer.acquiredRecords().add(new ShareFetchResponseData.AcquiredRecords()
                                .setFirstOffset(range.firstOffset()).setLastOffset(range.lastOffset())
                                .setDeliveryCount((short) range.deliveryCount()));
                        budget -= (int) range.recordCount();
                    }
                }
            } catch (ApiException e) {
                answer.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                acquired = true;
            }
        }
        if (acquired || !acknowledged.isEmpty() || System.nanoTime() - deadlineNanos >= 0) {
            result.complete(respond(response, answers, acknowledged.keySet()));
            return;
        }
        try {
            waits.schedule(() -> fetch(data, partitions, acknowledged, response, deadlineNanos, result),
                    RECHECK_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            result.complete(respond(response, answers, acknowledged.keySet()));
        }
    }

    /** The partitions with something to say: records, an error, or the outcome of acknowledgements they carried. */
    private static ShareFetchResponseData respond(ShareFetchResponseData response,
                                                  Map<TopicIdPartition, ShareFetchResponseData.PartitionData> answers,
                                                  java.util.Set<TopicIdPartition> acknowledged) {
        Map<org.apache.kafka.common.Uuid, ShareFetchResponseData.ShareFetchableTopicResponse> topics =
                new LinkedHashMap<>();
        answers.forEach((tp, answer) -> {
            boolean empty = answer.acquiredRecords().isEmpty() && answer.errorCode() == Errors.NONE.code()
                    && answer.acknowledgeErrorCode() == Errors.NONE.code() && answer.records() == null;
            if (!empty || acknowledged.contains(tp)) {
                topics.computeIfAbsent(tp.topicId(), id -> new ShareFetchResponseData.ShareFetchableTopicResponse()
                        .setTopicId(id)).partitions().add(answer);
            }
        });
        response.responses().addAll(topics.values());
        return response;
    }

    private static ShareFetchResponseData.PartitionData partitionData(TopicIdPartition tp) {
        return new ShareFetchResponseData.PartitionData().setPartitionIndex(tp.partition())
                .setCurrentLeader(new ShareFetchResponseData.LeaderIdAndEpoch().setLeaderId(-1).setLeaderEpoch(-1));
    }

    static TopicIdPartition topicIdPartition(MetadataImage image, org.apache.kafka.common.Uuid topicId,
                                             int partition) {
        TopicImage topic = image.topic(topicId);
        return topic == null ? new TopicIdPartition(topicId, partition, null)
                : new TopicIdPartition(topicId, new TopicPartition(topic.name(), partition));
    }
}
