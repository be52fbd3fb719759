package io.sluice.protocol.admin;

import io.sluice.quorum.MetadataService;
import io.sluice.quorum.QuorumDescription;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeQuorumRequest;

/**
 * DescribeQuorum v0-2 for the metadata partition (__cluster_metadata-0), answered from the Raft quorum: leader id,
 * Raft term as leader epoch, commit index as high watermark, and the voters and observers with their progress; v2
 * adds each member's Raft address as its CONTROLLER endpoint. Any other partition is UNKNOWN_TOPIC_OR_PARTITION.
 */
public final class DescribeQuorumHandler implements ApiHandler<DescribeQuorumRequest> {
    static final String METADATA_TOPIC = "__cluster_metadata";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final MetadataService metadata;

    DescribeQuorumHandler(MetadataService metadata) {
        this.metadata = metadata;
    }

    @Override
    public CompletableFuture<DescribeQuorumResponseData> handle(RequestContext context, DescribeQuorumRequest request) {
        DescribeQuorumRequestData data = request.data();
        if (!asksForMetadataPartition(data)) {
            return CompletableFuture.completedFuture(
                    DescribeQuorumRequest.getPartitionLevelErrorResponse(data, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        }
        return metadata.describeQuorum().handle((quorum, error) -> {
            if (error != null) {
                ApiError failure = AdminErrors.of(error, "DescribeQuorum");
                return singlePartition(new PartitionData().setErrorCode(failure.error().code())
                        .setErrorMessage(failure.message()));
            }
            return response(quorum, context.apiVersion());
        });
    }

    private static boolean asksForMetadataPartition(DescribeQuorumRequestData data) {
        return data.topics().size() == 1 && data.topics().get(0).topicName().equals(METADATA_TOPIC)
                && data.topics().get(0).partitions().size() == 1
                && data.topics().get(0).partitions().get(0).partitionIndex() == 0;
    }

    private static DescribeQuorumResponseData response(QuorumDescription quorum, short version) {
        PartitionData partition = new PartitionData().setErrorCode(Errors.NONE.code())
                .setLeaderId(quorum.leaderId()).setLeaderEpoch((int) Math.min(Integer.MAX_VALUE, quorum.leaderEpoch()))
                .setHighWatermark(quorum.highWatermark())
                .setCurrentVoters(states(quorum.voters())).setObservers(states(quorum.observers()));
        DescribeQuorumResponseData response = singlePartition(partition);
        if (version < 2) {
            return response;
        }
        for (QuorumDescription.Replica voter : quorum.voters()) {
            if (voter.host() == null || voter.port() < 0) {
                continue;
            }
            DescribeQuorumResponseData.Node node = new DescribeQuorumResponseData.Node().setNodeId(voter.replicaId());
            node.listeners().add(new DescribeQuorumResponseData.Listener().setName(CONTROLLER_LISTENER)
                    .setHost(voter.host()).setPort(voter.port()));
            response.nodes().add(node);
        }
        return response;
    }

    private static DescribeQuorumResponseData singlePartition(PartitionData partition) {
        DescribeQuorumResponseData response = new DescribeQuorumResponseData().setErrorCode(Errors.NONE.code());
        response.topics().add(new DescribeQuorumResponseData.TopicData().setTopicName(METADATA_TOPIC)
                .setPartitions(new java.util.ArrayList<>(List.of(partition.setPartitionIndex(0)))));
        return response;
    }

    private static List<ReplicaState> states(List<QuorumDescription.Replica> replicas) {
        return new java.util.ArrayList<>(replicas.stream().map(r -> new ReplicaState().setReplicaId(r.replicaId())
                .setReplicaDirectoryId(Uuid.ZERO_UUID).setLogEndOffset(r.logEndOffset())
                .setLastFetchTimestamp(r.lastFetchTimestamp()).setLastCaughtUpTimestamp(r.lastCaughtUpTimestamp()))
                .toList());
    }
}
