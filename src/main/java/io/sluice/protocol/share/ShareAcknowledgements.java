package io.sluice.protocol.share;

import io.sluice.group.share.SharePartitionManager;
import io.sluice.share.AcknowledgeType;
import io.sluice.share.AcknowledgementBatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Acknowledgement batches as ShareFetch and ShareAcknowledge carry them, applied to their share-partition. Type 0
 * (GAP: an offset with no record for the consumer, a transaction marker or a compacted-away record) is taken as
 * REJECT: it is done and never delivered again. Stateless.
 */
final class ShareAcknowledgements {
    private static final byte GAP = 0;

    private ShareAcknowledgements() {
    }

    static Errors apply(SharePartitionManager sharePartitions, String groupId, TopicIdPartition tp, String memberId,
                        List<ShareFetchRequestData.AcknowledgementBatch> batches) {
        List<AcknowledgementBatch> acks = new ArrayList<>();
        try {
            for (ShareFetchRequestData.AcknowledgementBatch batch : batches) {
                acks.add(batch(batch.firstOffset(), batch.lastOffset(), batch.acknowledgeTypes()));
            }
        } catch (IllegalArgumentException unknownType) {
            return Errors.INVALID_REQUEST;
        }
        return applyAll(sharePartitions, groupId, tp, memberId, acks);
    }

    static Errors applyAcknowledge(SharePartitionManager sharePartitions, String groupId, TopicIdPartition tp,
                                   String memberId, List<ShareAcknowledgeRequestData.AcknowledgementBatch> batches) {
        List<AcknowledgementBatch> acks = new ArrayList<>();
        try {
            for (ShareAcknowledgeRequestData.AcknowledgementBatch batch : batches) {
                acks.add(batch(batch.firstOffset(), batch.lastOffset(), batch.acknowledgeTypes()));
            }
        } catch (IllegalArgumentException unknownType) {
            return Errors.INVALID_REQUEST;
        }
        return applyAll(sharePartitions, groupId, tp, memberId, acks);
    }

    private static Errors applyAll(SharePartitionManager sharePartitions, String groupId, TopicIdPartition tp,
                                   String memberId, List<AcknowledgementBatch> acks) {
        if (tp.topic() == null) {
            return Errors.UNKNOWN_TOPIC_ID;
        }
        for (AcknowledgementBatch ack : acks) {
            if (!ack.isWellFormed()) {
                return Errors.INVALID_REQUEST;
            }
        }
        return sharePartitions.acknowledge(groupId, tp.topicPartition(), memberId, acks);
    }

    private static AcknowledgementBatch batch(long first, long last, List<Byte> wireTypes) {
        List<AcknowledgeType> types = new ArrayList<>(wireTypes.size());
        for (byte type : wireTypes) {
            types.add(type == GAP ? AcknowledgeType.REJECT : AcknowledgeType.forId(type));
        }
        return new AcknowledgementBatch(first, last, types);
    }
}
