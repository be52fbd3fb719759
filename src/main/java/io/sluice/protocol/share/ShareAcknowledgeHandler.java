package io.sluice.protocol.share;

import io.sluice.group.share.SharePartitionManager;
import io.sluice.group.share.ShareSessions;
import io.sluice.metadata.MetadataImage;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.quorum.MetadataService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareAcknowledgeRequest;

/**
 * ShareAcknowledge v1 (KIP-932): acknowledgements outside a fetch (commitSync, commitAsync, close). It moves the
 * share session's epoch on like a ShareFetch, and the final epoch (-1) closes the session, what the member still
 * holds going back to the others.
 */
public final class ShareAcknowledgeHandler implements ApiHandler<ShareAcknowledgeRequest> {
    private final MetadataService metadata;
    private final SharePartitionManager sharePartitions;
    private final ShareSessions sessions;

    public ShareAcknowledgeHandler(MetadataService metadata, SharePartitionManager sharePartitions,
                                   ShareSessions sessions) {
        this.metadata = metadata;
        this.sharePartitions = sharePartitions;
        this.sessions = sessions;
    }

    @Override
    public CompletableFuture<ShareAcknowledgeResponseData> handle(RequestContext context,
                                                                 ShareAcknowledgeRequest request) {
        ShareAcknowledgeRequestData data = request.data();
        ShareAcknowledgeResponseData response = new ShareAcknowledgeResponseData();
        if (data.groupId() == null || data.groupId().isEmpty() || data.memberId() == null
                || data.memberId().isEmpty()) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("GroupId and MemberId are required."));
        }
        if (data.shareSessionEpoch() == ShareSessions.INITIAL_EPOCH) {
            return CompletableFuture.completedFuture(response.setErrorCode(
                    Errors.INVALID_SHARE_SESSION_EPOCH.code()).setErrorMessage("ShareAcknowledge cannot open a share "
                    + "session (epoch 0)."));
        }
        ShareSessions.Update session = sessions.update(data.groupId(), data.memberId(), data.shareSessionEpoch(),
                List.of(), List.of());
        if (session.error() != Errors.NONE) {
            return CompletableFuture.completedFuture(response.setErrorCode(session.error().code()));
        }
        MetadataImage image = metadata.image();
        Map<Uuid, ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse> topics = new LinkedHashMap<>();
        for (ShareAcknowledgeRequestData.AcknowledgeTopic topic : data.topics()) {
            for (ShareAcknowledgeRequestData.AcknowledgePartition partition : topic.partitions()) {
                TopicIdPartition tp = ShareFetchHandler.topicIdPartition(image, topic.topicId(),
                        partition.partitionIndex());
                Errors error = ShareAcknowledgements.applyAcknowledge(sharePartitions, data.groupId(), tp,
                        data.memberId(), partition.acknowledgementBatches());
                topics.computeIfAbsent(topic.topicId(), id -> new ShareAcknowledgeResponseData
                        .ShareAcknowledgeTopicResponse().setTopicId(id)).partitions().add(
                        new ShareAcknowledgeResponseData.PartitionData().setPartitionIndex(partition.partitionIndex())
                                .setErrorCode(error.code()).setCurrentLeader(new ShareAcknowledgeResponseData
                                        .LeaderIdAndEpoch().setLeaderId(-1).setLeaderEpoch(-1)));
            }
        }
        if (data.shareSessionEpoch() == ShareSessions.FINAL_EPOCH) {
            sharePartitions.releaseAll(data.groupId(), data.memberId());
        }
        response.responses().addAll(topics.values());
        return CompletableFuture.completedFuture(response);
    }
}
