package io.sluice.protocol.group;

import io.sluice.group.CommittedOffset;
import io.sluice.group.GroupCoordinator;
import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;

/**
 * OffsetFetch v1-9: one group (v1-7) or several (v8+); null topics (v2+) mean every committed partition.
 * A partition without a committed offset answers offset -1. With require_stable (v7+, KIP-447), a partition
 * whose offset an undecided transaction commits answers UNSTABLE_OFFSET_COMMIT, which the consumer retries, so that
 * it never starts from an offset the transaction's abort would roll back.
 */
public final class OffsetFetchHandler implements ApiHandler<OffsetFetchRequest> {
    /** A requested partition, or all partitions when the topic list is null. */
    private record Requested(String topic, List<Integer> partitions) {
    }

    /** Stands for a partition with a transactional offset still undecided. */
    private static final CommittedOffset UNSTABLE = new CommittedOffset(-1L, -1, "", -1L, -1L);

    private final GroupCoordinator coordinator;

    public OffsetFetchHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<OffsetFetchResponseData> handle(RequestContext context, OffsetFetchRequest request) {
        OffsetFetchResponseData response = new OffsetFetchResponseData();
        if (context.apiVersion() < 8) {
            List<Requested> requested = null;
            if (request.data().topics() != null) {
                requested = new ArrayList<>();
                for (OffsetFetchRequestTopic topic : request.data().topics()) {
                    requested.add(new Requested(topic.name(), topic.partitionIndexes()));
                }
            }
            Map<String, Map<Integer, CommittedOffset>> found = lookUp(request.data().groupId(), requested,
                    request.data().requireStable());
            found.forEach((topic, partitions) -> {
                OffsetFetchResponseTopic responseTopic = new OffsetFetchResponseTopic().setName(topic);
                partitions.forEach((partition, offset) -> responseTopic.partitions().add(
                        new OffsetFetchResponsePartition().setPartitionIndex(partition).setErrorCode(errorOf(offset))
                                .setCommittedOffset(offset.offset()).setCommittedLeaderEpoch(offset.leaderEpoch())
                                .setMetadata(offset.metadata() == null ? "" : offset.metadata())));
                response.topics().add(responseTopic);
            });
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
        }
        List<CompletableFuture<OffsetFetchResponseGroup>> groups = new ArrayList<>();
        for (OffsetFetchRequestGroup group : request.data().groups()) {
            // KIP-848: a member fetching with its epoch must be the group's member at that epoch.
            groups.add(coordinator.validateOffsetFetch(group.groupId(), group.memberId(), group.memberEpoch())
                    .thenApply(invalid -> invalid != Errors.NONE
                            ? new OffsetFetchResponseGroup().setGroupId(group.groupId()).setErrorCode(invalid.code())
                            : fetchGroup(group, request.data().requireStable())));
        }
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(done -> {
            groups.forEach(group -> response.groups().add(group.join()));
            return response;
        });
    }

    private OffsetFetchResponseGroup fetchGroup(OffsetFetchRequestGroup group, boolean requireStable) {
        List<Requested> requested = null;
        if (group.topics() != null) {
            requested = new ArrayList<>();
            for (OffsetFetchRequestTopics topic : group.topics()) {
                requested.add(new Requested(topic.name(), topic.partitionIndexes()));
            }
        }
        OffsetFetchResponseGroup responseGroup = new OffsetFetchResponseGroup().setGroupId(group.groupId())
                .setErrorCode(Errors.NONE.code());
        Map<String, Map<Integer, CommittedOffset>> found;
        try {
            found = lookUp(group.groupId(), requested, requireStable);
        } catch (ApiException e) {
            // A group coordinated elsewhere or still loading: only that group of the batch fails.
            return responseGroup.setErrorCode(Errors.forException(e).code());
        }
        found.forEach((topic, partitions) -> {
            OffsetFetchResponseTopics responseTopic = new OffsetFetchResponseTopics().setName(topic);
            partitions.forEach((partition, offset) -> responseTopic.partitions().add(
                    new OffsetFetchResponsePartitions().setPartitionIndex(partition).setErrorCode(errorOf(offset))
                            .setCommittedOffset(offset.offset()).setCommittedLeaderEpoch(offset.leaderEpoch())
                            .setMetadata(offset.metadata() == null ? "" : offset.metadata())));
            responseGroup.topics().add(responseTopic);
        });
        return responseGroup;
    }

    /** Committed offsets by topic and partition, with "none" (-1) entries for requested partitions never committed. */
    private Map<String, Map<Integer, CommittedOffset>> lookUp(String groupId, List<Requested> requested,
                                                              boolean requireStable) {
        Map<TopicPartition, CommittedOffset> committed = coordinator.committedOffsets(groupId);
        Map<String, Map<Integer, CommittedOffset>> result = new TreeMap<>();
        if (requested == null) {
            committed.forEach((tp, offset) -> result.computeIfAbsent(tp.topic(), t -> new TreeMap<>())
                    .put(tp.partition(), stable(groupId, tp, offset, requireStable)));
            return result;
        }
        CommittedOffset none = new CommittedOffset(-1L, -1, "", -1L, -1L);
        for (Requested topic : requested) {
            Map<Integer, CommittedOffset> partitions = result.computeIfAbsent(topic.topic(), t -> new TreeMap<>());
            for (int partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.topic(), partition);
                partitions.put(partition, stable(groupId, tp, committed.getOrDefault(tp, none), requireStable));
            }
        }
        return result;
    }

    private CommittedOffset stable(String groupId, TopicPartition tp, CommittedOffset offset, boolean requireStable) {
        return requireStable && coordinator.hasPendingTransactionalOffset(groupId, tp) ? UNSTABLE : offset;
    }

    private static short errorOf(CommittedOffset offset) {
        return (offset == UNSTABLE ? Errors.UNSTABLE_OFFSET_COMMIT : Errors.NONE).code();
    }
}
