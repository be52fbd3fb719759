package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecord;
import io.sluice.metadata.MetadataRecord.BrokerFencing;
import io.sluice.metadata.RejectedBatchException;
import io.sluice.metadata.MetadataRecord.ProducerIdBlock;
import io.sluice.metadata.MetadataRecord.RegisterBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.Errors;

/**
 * The cluster side of the controller: broker registration, producer id blocks, and, on the active controller
 * ({@link #activate}), broker sessions: heartbeats, fencing of brokers whose sessions lapse, controlled shutdown.
 *
 * <p>Threading: operations that propose records run on the {@link ControllerQueue}; the sessions are guarded by
 * their own monitor, taken for short updates only.
 */
final class ClusterControl {
    private final Supplier<MetadataImage> image;
    private final RecordProposer proposer;
    private final ControllerQueue queue;
    private final LongSupplier clockMs;
    private final boolean uncleanLeaderElectionDefault;
    private final BrokerSessions sessions;
    /** The Raft term this node is active controller in, -1 when it is not the active controller. */
    private volatile long activeTerm = -1L;

    ClusterControl(Supplier<MetadataImage> image, RecordProposer proposer, ControllerQueue queue, LongSupplier clockMs,
                   long sessionTimeoutMs, boolean uncleanLeaderElectionDefault) {
        this.image = image;
        this.proposer = proposer;
        this.queue = queue;
        this.clockMs = clockMs;
        this.sessions = new BrokerSessions(sessionTimeoutMs);
        this.uncleanLeaderElectionDefault = uncleanLeaderElectionDefault;
    }


    CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        if (blockSize <= 0) {
            return CompletableFuture.failedFuture(
                    new InvalidRequestException("Producer id block size must be positive, got " + blockSize));
        }
        // A lagging node may offer a block that another node took meanwhile: the log rejects it, so recompute.
        return queue.retrying(() -> {
            long firstId = image.get().nextProducerId();
            return proposer.propose(List.of(new ProducerIdBlock(brokerId, firstId, blockSize)))
                    .thenApply(ignored -> firstId);
        }, InvalidRequestException.class);
    }

    CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack) {
        return registerBroker(brokerId, host, port, rack, Uuid.ZERO_UUID);
    }

    CompletableFuture<Void> registerBroker(int brokerId, String host, int port, String rack,
                                                  Uuid incarnationId) {
        if (brokerId < 0 || port < 0 || port > 65535 || host == null || host.isEmpty() || incarnationId == null) {
            return CompletableFuture.failedFuture(new InvalidRequestException("Invalid broker registration "
                    + brokerId + "@" + host + ":" + port));
        }
        return queue.retryingOnStaleImage(() -> {
            MetadataImage current = image.get();
            BrokerImage existing = current.brokers().get(brokerId);
            if (existing != null && !existing.fenced() && existing.host().equals(host) && existing.port() == port
                    && Objects.equals(existing.rack(), rack) && existing.incarnationId().equals(incarnationId)) {
                return CompletableFuture.completedFuture(null);
            }
            List<MetadataRecord> batch = new ArrayList<>();
            batch.add(new RegisterBroker(brokerId, host, port, rack, incarnationId));
            batch.addAll(PartitionLeadership.brokerReturned(current, brokerId, uncleanLeaderElectionDefault));
            return proposer.propose(batch, activeTerm).thenRun(() -> {
                synchronized (sessions) {
                    sessions.heartbeat(brokerId, clockMs.getAsLong());
                }
            });
        });
    }

    /** This node became the active controller in {@code term}: every registered broker's session starts now. */
    void activate(long term) {
        synchronized (sessions) {
            activeTerm = term;
            List<Integer> registered = new ArrayList<>(image.get().brokers().keySet());
            sessions.startAll(registered, clockMs.getAsLong());
        }
    }

    /** This node is no longer the active controller: forget sessions, stop deciding. */
    void resign() {
        synchronized (sessions) {
            activeTerm = -1L;
            sessions.clear();
        }
    }

    boolean isActive() {
        return activeTerm >= 0;
    }

    /** The Raft term this node is active controller in, -1 when it is not. */
    long activeTerm() {
        return activeTerm;
    }

    CompletableFuture<Errors> brokerHeartbeat(int brokerId, Uuid incarnationId) {
        long term = activeTerm;
        if (term < 0) {
            return CompletableFuture.completedFuture(Errors.NOT_CONTROLLER);
        }
        BrokerImage broker = image.get().brokers().get(brokerId);
        if (broker == null) {
            return CompletableFuture.completedFuture(Errors.BROKER_ID_NOT_REGISTERED);
        }
        if (!broker.incarnationId().equals(incarnationId)) {
            // An older process of the same broker id, or a registration still on its way: register (again).
            return CompletableFuture.completedFuture(Errors.STALE_BROKER_EPOCH);
        }
        synchronized (sessions) {
            sessions.heartbeat(brokerId, clockMs.getAsLong());
        }
        if (!broker.fenced()) {
            return CompletableFuture.completedFuture(Errors.NONE);
        }
        return queue.serially(() -> {
            MetadataImage current = image.get();
            BrokerImage now = current.brokers().get(brokerId);
            if (now == null || !now.fenced() || !now.incarnationId().equals(incarnationId)) {
                return CompletableFuture.completedFuture(Errors.NONE);
            }
            List<MetadataRecord> batch = new ArrayList<>();
            batch.add(new BrokerFencing(brokerId, false));
            batch.addAll(PartitionLeadership.brokerReturned(current, brokerId, uncleanLeaderElectionDefault));
            return proposer.propose(batch, term).thenApply(ignored -> Errors.NONE);
        });
    }

    /**
     * Fences every unfenced broker whose session lapsed, moving its leaderships away; the active controller calls
     * this periodically. Completes with the ids fenced (empty when not active).
     */
    CompletableFuture<List<Integer>> fenceExpiredBrokers() {
        if (activeTerm < 0) {
            return CompletableFuture.completedFuture(List.of());
        }
        return queue.serially(() -> {
            long term = activeTerm;
            MetadataImage current = image.get();
            List<Integer> expired;
            synchronized (sessions) {
                if (term < 0) {
                    return CompletableFuture.completedFuture(List.<Integer>of());
                }
                long nowMs = clockMs.getAsLong();
                current.brokers().values().forEach(b -> sessions.observeIncarnation(b.id(), b.incarnationId(), nowMs));
                expired = sessions.expired(PartitionLeadership.liveBrokers(current), nowMs);
            }
            if (expired.isEmpty()) {
                return CompletableFuture.completedFuture(List.<Integer>of());
            }
            MetadataImage working = current;
            List<MetadataRecord> batch = new ArrayList<>();
            for (int brokerId : expired) {
                List<MetadataRecord> step = fencingRecords(working, brokerId);
                batch.addAll(step);
                working = applyLocally(working, step);
            }
            return proposer.propose(batch, term).thenApply(ignored -> {
                // A fenced broker's old session must not outlive it: when it registers again (through any node),
                // its session starts afresh instead of lapsing at once and fencing it a second time.
                synchronized (sessions) {
                    expired.forEach(sessions::forget);
                }
                return expired;
            });
        });
    }

    CompletableFuture<Void> controlledShutdown(int brokerId) {
        return queue.retryingOnStaleImage(() -> {
            MetadataImage current = image.get();
            BrokerImage broker = current.brokers().get(brokerId);
            if (broker == null) {
                throw new BrokerIdNotRegisteredException("Broker " + brokerId + " is not registered.");
            }
            if (broker.fenced()) {
                return CompletableFuture.completedFuture(null);
            }
            return proposer.propose(fencingRecords(current, brokerId), activeTerm);
        });
    }

    private List<MetadataRecord> fencingRecords(MetadataImage current, int brokerId) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(new BrokerFencing(brokerId, true));
        records.addAll(PartitionLeadership.removeBroker(current, brokerId, uncleanLeaderElectionDefault));
        return records;
    }

    /** The image after {@code records}, so several brokers fenced together see each other's changes. */
    private static MetadataImage applyLocally(MetadataImage base, List<MetadataRecord> records) {
        MetadataDelta delta = new MetadataDelta(base);
        try {
            delta.applyAll(records);
        } catch (RejectedBatchException e) {
            throw e.error().exception(e.getMessage());
        }
        return delta.build(base.offset());
    }
}
