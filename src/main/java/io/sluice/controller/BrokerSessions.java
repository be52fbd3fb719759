package io.sluice.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * The active controller's memory of when each broker last heartbeated. It lives only on the active controller:
 * a new controller starts every registered broker's session afresh, as Kafka does, so a failover never fences
 * brokers merely because the new controller has not heard from them yet. Not thread-safe: the controller guards it.
 */
final class BrokerSessions {
    private final long sessionTimeoutMs;
    private final Map<Integer, Long> lastHeartbeatMs = new HashMap<>();
    /** The incarnation each broker had when this controller last looked at the image. */
    private final Map<Integer, Uuid> incarnations = new HashMap<>();

    BrokerSessions(long sessionTimeoutMs) {
        if (sessionTimeoutMs <= 0) {
            throw new IllegalArgumentException("session timeout must be positive: " + sessionTimeoutMs);
        }
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    long sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    void startAll(Collection<Integer> brokers, long nowMs) {
        lastHeartbeatMs.clear();
        incarnations.clear();
        brokers.forEach(id -> lastHeartbeatMs.put(id, nowMs));
    }

    void clear() {
        lastHeartbeatMs.clear();
        incarnations.clear();
    }

    /**
     * Starts afresh the session of a broker whose process changed since the last look: a restarted broker that
     * registered through another node must not inherit the lapsed session of its previous process (say one that
     * stopped with a controlled shutdown) and be fenced again before its first heartbeat arrives here.
     */
    void observeIncarnation(int brokerId, Uuid incarnationId, long nowMs) {
        Uuid known = incarnations.put(brokerId, incarnationId);
        if (known != null && !known.equals(incarnationId)) {
            lastHeartbeatMs.put(brokerId, nowMs);
        }
    }

    void heartbeat(int brokerId, long nowMs) {
        lastHeartbeatMs.put(brokerId, nowMs);
    }

    void forget(int brokerId) {
        lastHeartbeatMs.remove(brokerId);
    }

    /** Brokers among {@code candidates} whose last heartbeat is more than the session timeout ago. */
    List<Integer> expired(Collection<Integer> candidates, long nowMs) {
        List<Integer> expired = new ArrayList<>();
        for (int id : candidates) {
            Long last = lastHeartbeatMs.get(id);
            if (last == null) {
                // Registered after this controller became active but never heartbeated: start its session now.
                lastHeartbeatMs.put(id, nowMs);
            } else if (nowMs - last > sessionTimeoutMs) {
                expired.add(id);
            }
        }
        expired.sort(null);
        return expired;
    }
}
