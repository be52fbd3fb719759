package io.sluice.group;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

/**
 * Whether a restarted static member asks for what it had before, so it may keep its assignment without a
 * rebalance. For the consumer protocol only the subscribed topics count: a restarted consumer's subscription
 * always differs in the owned partitions and generation it reports, which describe the old incarnation.
 */
final class StaticRejoin {
    private StaticRejoin() {
    }

    static boolean asksForTheSame(String protocolType, List<GroupMember.Protocol> before, List<GroupMember.Protocol> now) {
        if (before.size() != now.size()) {
            return false;
        }
        boolean consumer = ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(protocolType);
        for (int i = 0; i < before.size(); i++) {
            GroupMember.Protocol old = before.get(i);
            GroupMember.Protocol fresh = now.get(i);
            if (!old.name().equals(fresh.name())) {
                return false;
            }
            boolean same = consumer ? sameTopics(old, fresh) : old.sameAs(fresh);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameTopics(GroupMember.Protocol old, GroupMember.Protocol fresh) {
        try {
            return topics(old).equals(topics(fresh));
        } catch (RuntimeException unreadable) {
            return old.sameAs(fresh);
        }
    }

    private static Set<String> topics(GroupMember.Protocol protocol) {
        return new HashSet<>(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(protocol.metadata())).topics());
    }
}
