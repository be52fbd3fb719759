package io.sluice.group.share;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * KIP-932 share sessions: per share group and member, the partitions its ShareFetches cover, so that each request
 * names only what changed. Epoch 0 opens a session (replacing one the member had), -1 closes it, and every other
 * request must carry the epoch after the last one (Kafka's SHARE_SESSION_NOT_FOUND and
 * INVALID_SHARE_SESSION_EPOCH otherwise); ShareFetch and ShareAcknowledge requests both move it on.
 *
 * <p>Threading: thread-safe (one monitor; nothing completes under it).
 */
public final class ShareSessions {
    public static final int INITIAL_EPOCH = 0;
    public static final int FINAL_EPOCH = -1;

    private record Key(String groupId, String memberId) {
    }

    private static final class Session {
        int nextEpoch = 1;
        final Set<TopicIdPartition> partitions = new LinkedHashSet<>();
    }

    /** The outcome of a request's session update: an error, or the partitions the session now covers. */
    public record Update(Errors error, List<TopicIdPartition> partitions) {
    }

    private final Map<Key, Session> sessions = new HashMap<>();

    public synchronized Update update(String groupId, String memberId, int epoch, List<TopicIdPartition> added,
                                      List<TopicIdPartition> forgotten) {
        Key key = new Key(groupId, memberId);
        if (epoch == FINAL_EPOCH) {
            sessions.remove(key);
            return new Update(Errors.NONE, List.of());
        }
        Session session;
        if (epoch == INITIAL_EPOCH) {
            session = new Session();
            sessions.put(key, session);
        } else {
            session = sessions.get(key);
            if (session == null) {
                return new Update(Errors.SHARE_SESSION_NOT_FOUND, List.of());
            }
            if (epoch != session.nextEpoch) {
                return new Update(Errors.INVALID_SHARE_SESSION_EPOCH, List.of());
            }
            session.nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        }
        session.partitions.addAll(added);
        forgotten.forEach(session.partitions::remove);
        return new Update(Errors.NONE, List.copyOf(session.partitions));
    }

    public synchronized void close(String groupId, String memberId) {
        sessions.remove(new Key(groupId, memberId));
    }
}
