package io.sluice.quorum;

import io.sluice.metadata.ImageSnapshotFormat;
import io.sluice.metadata.MetadataCommand;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.MetadataRecordCodec;
import io.sluice.metadata.RejectedBatchException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicated metadata: applies record batches in log order on Ratis' apply thread, publishes each new image
 * through a volatile reference, tells listeners, and snapshots / restores the whole image.
 */
public final class MetadataStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    /** Held while an image is handed to listeners: one ordered stream per listener, subscription included. */
    private final Object publishing = new Object();
    /** Signalled on every apply and leadership event so waiters can re-check their condition. */
    private final Object progress = new Object();
    private volatile MetadataImage image = MetadataImage.empty();
    private volatile boolean leaderReady;
    private volatile long loadedSnapshotIndex = -1L;
    /** Futures waiting for the local image to reach a Raft index, completed by the apply thread. */
    private final java.util.TreeMap<Long, List<CompletableFuture<Void>>> applyWaiters = new java.util.TreeMap<>();
    private volatile LeadershipListener leadership = LeadershipListener.NONE;
    private volatile java.util.function.Function<byte[], CompletableFuture<byte[]>> queryHandler;

    /** Told when this node becomes the active controller (leader ready) and when it stops being it. */
    public interface LeadershipListener {
        LeadershipListener NONE = new LeadershipListener() {
            @Override
            public void becameActive(long term) {
            }

            @Override
            public void resigned() {
            }
        };

        /** Runs on a Ratis thread once the leader applied its term's first entry: must not block. */
        void becameActive(long term);

        /** Runs on a Ratis thread on step-down or when another node leads: must not block. */
        void resigned();
    }

    void setLeadershipListener(LeadershipListener listener) {
        leadership = listener;
    }

    /** Serves read-only Raft messages (RPCs to the active controller); null answers every query with an error. */
    void setQueryHandler(java.util.function.Function<byte[], CompletableFuture<byte[]>> handler) {
        queryHandler = handler;
    }

    /** Completes once the local image includes the entry at {@code index}. */
    CompletableFuture<Void> whenApplied(long index) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (applyWaiters) {
            if (getLastAppliedTermIndex().getIndex() >= index) {
                future.complete(null);
            } else {
                applyWaiters.computeIfAbsent(index, i -> new ArrayList<>(1)).add(future);
            }
        }
        return future;
    }

    private void completeApplyWaiters() {
        long applied = getLastAppliedTermIndex().getIndex();
        List<CompletableFuture<Void>> ready = new ArrayList<>();
        synchronized (applyWaiters) {
            while (!applyWaiters.isEmpty() && applyWaiters.firstKey() <= applied) {
                ready.addAll(applyWaiters.pollFirstEntry().getValue());
            }
        }
        ready.forEach(f -> f.complete(null));
    }

    public MetadataImage image() {
        return image;
    }

    /**
     * Under the publishing monitor, so that the first delivery (the current image) cannot overlap with, or come
     * after, the apply thread's delivery of a newer one.
     */
    public void addListener(MetadataListener listener) {
        synchronized (publishing) {
            listeners.add(listener);
            deliver(listener, null, image);
        }
    }

    /** Raft index of the snapshot the current state was last loaded from, -1 if none. */
    public long loadedSnapshotIndex() {
        return loadedSnapshotIndex;
    }

    boolean isLeaderReady() {
        return leaderReady;
    }

    Object progressMonitor() {
        return progress;
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        getLifeCycle().startAndTransition(() -> loadSnapshot(storage.getLatestSnapshot()));
    }

    @Override
    public void pause() {
        // Ratis asserts PAUSED before installing a leader's snapshot; the base class does nothing.
        LifeCycle lifeCycle = getLifeCycle();
        if (lifeCycle.getCurrentState() == LifeCycle.State.RUNNING) {
            lifeCycle.transition(LifeCycle.State.PAUSING);
            lifeCycle.transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        LifeCycle lifeCycle = getLifeCycle();
        lifeCycle.transition(LifeCycle.State.STARTING);
        loadSnapshot(storage.loadLatestSnapshot());
        lifeCycle.transition(LifeCycle.State.RUNNING);
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex termIndex = TermIndex.valueOf(entry);
        if (termIndex.getIndex() <= getLastAppliedTermIndex().getIndex()) {
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(ApplyReply.OK.toBytes())));
        }
        ApplyReply reply = apply(entry.getStateMachineLogEntry().getLogData(), termIndex);
        updateLastAppliedTermIndex(termIndex);
        signalProgress();
        completeApplyWaiters();
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(reply.toBytes())));
    }

    private ApplyReply apply(ByteString data, TermIndex termIndex) {
        long index = termIndex.getIndex();
        MetadataCommand command;
        try {
            command = MetadataRecordCodec.decodeCommand(data.newInput());
        } catch (IOException | RuntimeException e) {
            // Deterministic on every replica: the bytes are the same everywhere.
            LOG.error("Skipping undecodable metadata batch at index {}", index, e);
            return new ApplyReply(org.apache.kafka.common.protocol.Errors.CORRUPT_MESSAGE,
                    "Undecodable metadata batch: " + e.getMessage());
        }
        if (command.controllerTerm() >= 0 && command.controllerTerm() != termIndex.getTerm()) {
            // Computed by a controller of an earlier term and relayed by the current leader: its view may be stale.
            return new ApplyReply(org.apache.kafka.common.protocol.Errors.NOT_CONTROLLER, "The change was computed"
                    + " by the controller of term " + command.controllerTerm() + ", the log is at term "
                    + termIndex.getTerm() + ".");
        }
        MetadataDelta delta = new MetadataDelta(image);
        try {
            delta.applyAll(command.records());
        } catch (RejectedBatchException e) {
            return new ApplyReply(e.error(), e.getMessage());
        }
        publish(delta.build(index));
        return ApplyReply.OK;
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        signalProgress();
        completeApplyWaiters();
    }

    @Override
    public void notifyLeaderReady() {
        leaderReady = true;
        long term = getLastAppliedTermIndex().getTerm();
        try {
            term = getServer().get().getDivision(getGroupId()).getInfo().getCurrentTerm();
        } catch (IOException | InterruptedException | java.util.concurrent.ExecutionException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Cannot read the current term; using the last applied entry's term {}", term, e);
        }
        leadership.becameActive(term);
        signalProgress();
    }

    @Override
    public void notifyLeaderChanged(org.apache.ratis.protocol.RaftGroupMemberId memberId,
                                    org.apache.ratis.protocol.RaftPeerId newLeaderId) {
        if (!memberId.getPeerId().equals(newLeaderId)) {
            resign();
        }
        signalProgress();
    }

    @Override
    public void notifyNotLeader(java.util.Collection<TransactionContext> pendingEntries) {
        resign();
        signalProgress();
    }

    private void resign() {
        boolean wasReady = leaderReady;
        leaderReady = false;
        if (wasReady) {
            leadership.resigned();
        }
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        java.util.function.Function<byte[], CompletableFuture<byte[]>> handler = queryHandler;
        if (handler == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("No query handler"));
        }
        return handler.apply(request.getContent().toByteArray())
                .thenApply(bytes -> Message.valueOf(ByteString.copyFrom(bytes)));
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataImage snapshotImage = image;
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        File snapshotFile = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        File tmp = new File(snapshotFile.getParentFile(), snapshotFile.getName() + ".tmp");
        try (FileOutputStream file = new FileOutputStream(tmp);
             OutputStream out = new BufferedOutputStream(file)) {
            ImageSnapshotFormat.write(snapshotImage, out);
            out.flush();
            file.getFD().sync();
        }
        Files.move(tmp.toPath(), snapshotFile.toPath(), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(snapshotFile);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(snapshotFile.toPath(), md5), last));
        return last.getIndex();
    }

    private void loadSnapshot(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        if (snapshot.hasMd5()) {
            MD5FileUtil.verifySavedMD5(file, snapshot.getFile().getFileDigest());
        }
        TermIndex termIndex = snapshot.getTermIndex();
        MetadataImage loaded;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
            loaded = ImageSnapshotFormat.read(in, termIndex.getIndex());
        }
        setLastAppliedTermIndex(termIndex);
        loadedSnapshotIndex = termIndex.getIndex();
        publish(loaded);
        signalProgress();
        completeApplyWaiters();
    }

    private void publish(MetadataImage next) {
        synchronized (publishing) {
            MetadataImage previous = image;
            image = next;
            for (MetadataListener listener : listeners) {
                deliver(listener, previous, next);
            }
        }
    }

    private static void deliver(MetadataListener listener, MetadataImage previous, MetadataImage next) {
        try {
            listener.onImage(previous, next);
        } catch (RuntimeException e) {
            // A faulty listener must not stop the apply thread, which would take the Raft division down.
            LOG.error("Metadata listener {} failed at offset {}", listener, next.offset(), e);
        }
    }

    private void signalProgress() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }
}
