package io.sluice.group;

import static io.sluice.group.GroupResponses.storeError;
import static io.sluice.util.Futures.unwrap;

import io.sluice.group.consumer.ConsumerGroup;
import io.sluice.group.consumer.ConsumerGroupMember;
import io.sluice.group.consumer.ConsumerGroupState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group side of committed offsets: OffsetCommit and TxnOffsetCommit (checking the committer's membership and
 * generation), OffsetFetch and OffsetDelete (refused for topics an active group consumes), stored through the
 * {@link OffsetStore}.
 *
 * <p>Threading: a group's membership is read in its event ({@link Groups#run}); the store is written after it.
 */
final class GroupOffsets {
    private static final Logger log = LoggerFactory.getLogger(GroupOffsets.class);
    /** Kafka's offset.metadata.max.bytes default. */
    static final int MAX_OFFSET_METADATA_BYTES = 4096;

    private final Groups groups;
    private final OffsetStore offsets;
    private final GroupTimer timer;

    GroupOffsets(Groups groups, OffsetStore offsets, GroupTimer timer) {
        this.groups = groups;
        this.offsets = offsets;
        this.timer = timer;
    }

    /** OffsetCommit: checks the committer's membership and generation, then stores through the offset store. */
    CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request, short version) {
        Errors notHere = groups.errorFor(request.groupId());
        CompletableFuture<Errors> validated = notHere != Errors.NONE ? CompletableFuture.completedFuture(notHere)
                : validateCommit(request.groupId(), request.generationIdOrMemberEpoch(), request.memberId(),
                        request.groupInstanceId(), false, version >= 9);
        return validated.thenCompose(invalid -> invalid != Errors.NONE
                ? CompletableFuture.completedFuture(commitResponse(request, invalid, Map.of()))
                : store(request));
    }

    private CompletableFuture<OffsetCommitResponseData> store(OffsetCommitRequestData request) {
        long now = timer.nowMs();
        long expireTimestamp = request.retentionTimeMs() >= 0 ? now + request.retentionTimeMs() : -1;
        Map<TopicPartition, CommittedOffset> accepted = new HashMap<>();
        Map<TopicPartition, Errors> rejected = new HashMap<>();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), partition.partitionIndex());
                String metadata = partition.committedMetadata() == null ? "" : partition.committedMetadata();
                if (metadata.length() > MAX_OFFSET_METADATA_BYTES) {
                    rejected.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
                } else {
                    accepted.put(tp, new CommittedOffset(partition.committedOffset(), partition.committedLeaderEpoch(),
                            metadata, now, expireTimestamp));
                }
            }
        }
        if (accepted.isEmpty()) {
            return CompletableFuture.completedFuture(commitResponse(request, Errors.NONE, rejected));
        }
        return offsets.commit(request.groupId(), accepted).handle((done, failure) -> {
            Errors error = failure == null ? Errors.NONE : storeError(failure);
            if (failure != null) {
                log.warn("Could not store offsets of group {}: {}", request.groupId(), error, unwrap(failure));
            }
            return commitResponse(request, error, rejected);
        });
    }

    /**
     * Kafka's checks of a committer: an empty group takes commits from anyone; otherwise the committer must be a
     * member of the current generation, except that a transactional commit without member details (a producer
     * outside the group, KIP-447's older clients) is accepted.
     */
    private CompletableFuture<Errors> validateCommit(String groupId, int generation, String member,
                                                     String groupInstanceId, boolean transactional,
                                                     boolean groupNotFoundError) {
        String memberId = member == null ? "" : member;
        ConsumerGroup consumerGroup = groups.consumerGroup(groupId);
        if (consumerGroup != null) {
            return groups.run(groupId, () -> validateConsumerGroupCommit(consumerGroup, generation, memberId,
                    groupInstanceId, transactional, groupNotFoundError));
        }
        ClassicGroup found = groups.find(groupId);
        if (found == null && generation >= 0) {
            return CompletableFuture.completedFuture(
                    groupNotFoundError ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION);
        }
        // A consumer without group management (or an admin tool) commits to a group that only holds offsets.
        ClassicGroup group = found != null ? found : groups.getOrCreate(groupId);
        return groups.run(group, () -> {
            if (group.is(GroupState.DEAD)) {
                return Errors.COORDINATOR_NOT_AVAILABLE;
            }
            if (generation < 0 && group.is(GroupState.EMPTY)) {
                return Errors.NONE;
            }
            if (generation >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
                Errors invalid = ClassicRebalance.validateMember(group, memberId, groupInstanceId);
                if (invalid != Errors.NONE) {
                    return invalid;
                }
                if (generation != group.generationId()) {
                    return Errors.ILLEGAL_GENERATION;
                }
            } else if (!transactional) {
                // Someone outside the group commits while it is managed by its members.
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (group.is(GroupState.COMPLETING_REBALANCE)) {
                // The member has the new generation but not its assignment yet; it commits again after SyncGroup.
                return Errors.REBALANCE_IN_PROGRESS;
            }
            return Errors.NONE;
        });
    }

    /**
     * In the group's event: Kafka's checks of a committer to a KIP-848 group. Anyone may commit to an empty group;
     * otherwise the committer is a member at its current epoch (STALE_MEMBER_EPOCH if it is behind, and OffsetCommit
     * before v9 cannot carry an epoch at all). A transactional commit without member details is accepted, as for a
     * classic group; with them, a wrong epoch is ILLEGAL_GENERATION, as Kafka answers TxnOffsetCommit.
     */
    private static Errors validateConsumerGroupCommit(ConsumerGroup group, int memberEpoch, String memberId,
                                                      String groupInstanceId, boolean transactional,
                                                      boolean versionCarriesEpoch) {
        if (group.state() == ConsumerGroupState.DEAD) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        boolean anonymous = memberEpoch < 0 && memberId.isEmpty() && groupInstanceId == null;
        if (anonymous && (group.isEmpty() || transactional)) {
            return Errors.NONE;
        }
        ConsumerGroupMember member = group.member(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (memberEpoch != member.memberEpoch()) {
            // A classic member's generation is its member epoch.
            return transactional || member.isClassic() ? Errors.ILLEGAL_GENERATION : Errors.STALE_MEMBER_EPOCH;
        }
        if (!transactional && !versionCarriesEpoch && !member.isClassic()) {
            return Errors.UNSUPPORTED_VERSION;
        }
        return Errors.NONE;
    }

    /** See {@link GroupCoordinator#validateOffsetFetch}. */
    CompletableFuture<Errors> validateOffsetFetch(String groupId, String memberId, int memberEpoch) {
        ConsumerGroup group = groups.consumerGroup(groupId);
        if (group == null || memberId == null || memberEpoch < 0) {
            return CompletableFuture.completedFuture(Errors.NONE);
        }
        return groups.run(groupId, () -> {
            ConsumerGroupMember member = group.member(memberId);
            if (member == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            return member.memberEpoch() == memberEpoch ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
        });
    }

    private static OffsetCommitResponseData commitResponse(OffsetCommitRequestData request, Errors error,
                                                           Map<TopicPartition, Errors> perPartition) {
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            OffsetCommitResponseTopic responseTopic = new OffsetCommitResponseTopic().setName(topic.name());
            for (OffsetCommitRequestPartition partition : topic.partitions()) {
                Errors partitionError = perPartition.getOrDefault(
                        new TopicPartition(topic.name(), partition.partitionIndex()), error);
                responseTopic.partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(partition.partitionIndex()).setErrorCode(partitionError.code()));
            }
            response.topics().add(responseTopic);
        }
        return response;
    }

    /**
     * TxnOffsetCommit: checks the committer as OffsetCommit does (KIP-447: with the member and generation a
     * consume-transform-produce producer sends from its consumer's group metadata), then stores the offsets as the
     * producer's transactional records; they become committed when its transaction commits.
     */
    CompletableFuture<TxnOffsetCommitResponseData> commitTransactionalOffsets(TxnOffsetCommitRequestData request) {
        Errors notHere = groups.errorFor(request.groupId());
        CompletableFuture<Errors> validated = notHere != Errors.NONE ? CompletableFuture.completedFuture(notHere)
                : validateCommit(request.groupId(), request.generationId(), request.memberId(),
                        request.groupInstanceId(), true, false);
        return validated.thenCompose(invalid -> {
            if (invalid != Errors.NONE) {
                return CompletableFuture.completedFuture(txnCommitResponse(request, invalid, Map.of()));
            }
            long now = timer.nowMs();
            Map<TopicPartition, CommittedOffset> accepted = new HashMap<>();
            Map<TopicPartition, Errors> rejected = new HashMap<>();
            for (TxnOffsetCommitRequestTopic topic : request.topics()) {
                for (TxnOffsetCommitRequestPartition partition : topic.partitions()) {
                    TopicPartition tp = new TopicPartition(topic.name(), partition.partitionIndex());
                    String metadata = partition.committedMetadata() == null ? "" : partition.committedMetadata();
                    if (metadata.length() > MAX_OFFSET_METADATA_BYTES) {
                        rejected.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
                    } else {
                        accepted.put(tp, new CommittedOffset(partition.committedOffset(),
                                partition.committedLeaderEpoch(), metadata, now, -1));
                    }
                }
            }
            if (accepted.isEmpty()) {
                return CompletableFuture.completedFuture(txnCommitResponse(request, Errors.NONE, rejected));
            }
            return offsets.commitTransactional(request.groupId(), request.producerId(), request.producerEpoch(),
                    accepted).handle((done, failure) -> {
                        if (failure == null) {
                            return txnCommitResponse(request, Errors.NONE, rejected);
                        }
                        if (unwrap(failure) instanceof InvalidProducerEpochException) {
                            // The producer's epoch was bumped: a newer instance of it took over.
                            return txnCommitResponse(request, Errors.PRODUCER_FENCED, rejected);
                        }
                        Errors error = storeError(failure);
                        log.warn("Could not store transactional offsets of group {}: {}", request.groupId(), error,
                                unwrap(failure));
                        return txnCommitResponse(request, error, rejected);
                    });
        });
    }

    private static TxnOffsetCommitResponseData txnCommitResponse(TxnOffsetCommitRequestData request, Errors error,
                                                                 Map<TopicPartition, Errors> perPartition) {
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        for (TxnOffsetCommitRequestTopic topic : request.topics()) {
            TxnOffsetCommitResponseTopic responseTopic = new TxnOffsetCommitResponseTopic().setName(topic.name());
            for (TxnOffsetCommitRequestPartition partition : topic.partitions()) {
                Errors partitionError = perPartition.getOrDefault(
                        new TopicPartition(topic.name(), partition.partitionIndex()), error);
                responseTopic.partitions().add(new TxnOffsetCommitResponsePartition()
                        .setPartitionIndex(partition.partitionIndex()).setErrorCode(partitionError.code()));
            }
            response.topics().add(responseTopic);
        }
        return response;
    }

    /** Whether an undecided transaction commits an offset of the group's partition. */
    boolean hasPendingTransactionalOffset(String groupId, TopicPartition tp) {
        return offsets.hasPendingTransactionalOffset(groupId, tp);
    }

    /** The group's committed offsets (OffsetFetch); throws the ApiException of a group not served here. */
    Map<TopicPartition, CommittedOffset> committedOffsets(String groupId) {
        Errors notHere = groups.errorFor(groupId);
        if (notHere != Errors.NONE) {
            throw notHere.exception();
        }
        return offsets.fetch(groupId);
    }

    /** OffsetDelete: refused for topics the active group consumes, and for active groups of other kinds. */
    CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        Errors notHere = groups.errorFor(request.groupId());
        if (notHere != Errors.NONE) {
            return CompletableFuture.completedFuture(new OffsetDeleteResponseData().setErrorCode(notHere.code()));
        }
        Map<TopicPartition, Errors> outcome = new HashMap<>();
        ConsumerGroup consumerGroup = groups.consumerGroup(request.groupId());
        if (consumerGroup != null) {
            return groups.run(request.groupId(), () -> {
                if (consumerGroup.state() == ConsumerGroupState.DEAD) {
                    return new OffsetDeleteResponseData().setErrorCode(Errors.GROUP_ID_NOT_FOUND.code());
                }
                for (OffsetDeleteRequestTopic topic : request.topics()) {
                    Errors error = consumerGroup.subscribedTopics().containsKey(topic.name())
                            ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
                    for (OffsetDeleteRequestPartition partition : topic.partitions()) {
                        outcome.put(new TopicPartition(topic.name(), partition.partitionIndex()), error);
                    }
                }
                return (OffsetDeleteResponseData) null;
            }).thenCompose(refused -> refused != null ? CompletableFuture.completedFuture(refused)
                    : deleteAccepted(request, outcome));
        }
        ClassicGroup group = groups.find(request.groupId());
        if (group == null) {
            return CompletableFuture.completedFuture(
                    new OffsetDeleteResponseData().setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()));
        }
        return groups.run(group, () -> {
            if (group.is(GroupState.DEAD)) {
                return new OffsetDeleteResponseData().setErrorCode(Errors.GROUP_ID_NOT_FOUND.code());
            }
            boolean active = !group.is(GroupState.EMPTY);
            if (active && !ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(group.protocolType())) {
                return new OffsetDeleteResponseData().setErrorCode(Errors.NON_EMPTY_GROUP.code());
            }
            for (OffsetDeleteRequestTopic topic : request.topics()) {
                Errors error = active && group.isSubscribedTo(topic.name())
                        ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
                for (OffsetDeleteRequestPartition partition : topic.partitions()) {
                    outcome.put(new TopicPartition(topic.name(), partition.partitionIndex()), error);
                }
            }
            return null;
        }).thenCompose(refused -> refused != null ? CompletableFuture.completedFuture(refused)
                : deleteAccepted(request, outcome));
    }

    /** Deletes the offsets the group's state allowed; the others keep their error in the response. */
    private CompletableFuture<OffsetDeleteResponseData> deleteAccepted(OffsetDeleteRequestData request,
                                                                       Map<TopicPartition, Errors> outcome) {
        Set<TopicPartition> deletable = new HashSet<>();
        outcome.forEach((tp, error) -> {
            if (error == Errors.NONE) {
                deletable.add(tp);
            }
        });
        CompletableFuture<Void> deleted = deletable.isEmpty()
                ? CompletableFuture.completedFuture(null) : offsets.delete(request.groupId(), deletable);
        return deleted.handle((done, failure) -> {
            if (failure != null) {
                return new OffsetDeleteResponseData().setErrorCode(storeError(failure).code());
            }
            OffsetDeleteResponseData response = new OffsetDeleteResponseData();
            for (OffsetDeleteRequestTopic topic : request.topics()) {
                OffsetDeleteResponseTopic responseTopic = new OffsetDeleteResponseTopic().setName(topic.name());
                for (OffsetDeleteRequestPartition partition : topic.partitions()) {
                    Errors error = outcome.get(new TopicPartition(topic.name(), partition.partitionIndex()));
                    responseTopic.partitions().add(new OffsetDeleteResponsePartition()
                            .setPartitionIndex(partition.partitionIndex()).setErrorCode(error.code()));
                }
                response.topics().add(responseTopic);
            }
            return response;
        });
    }
}
