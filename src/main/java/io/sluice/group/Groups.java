package io.sluice.group;

import io.sluice.coordinator.EventQueue;
import io.sluice.group.consumer.ConsumerGroup;
import io.sluice.group.share.ShareGroup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.Errors;

/**
 * The classic groups this node serves, by id, and where their offsets-only siblings come from: a group that has
 * only committed offsets (after a restart, or from a consumer without group management) is found as an Empty group.
 * Also the one way code here reaches a group's state: its events ({@link #run}), kept in {@link EventQueue}s of the
 * coordinator runtime, so a group's changes happen one at a time without a lock and the futures they answer
 * complete after each change.
 *
 * <p>Threading: the map is concurrent; a group's own state is read and changed only in its events.
 */
final class Groups {
    /** Groups are spread over this many event queues; the events of one group always use the same one. */
    private static final int EVENT_QUEUES = 64;

    private final Map<String, ClassicGroup> byId = new ConcurrentHashMap<>();
    /** KIP-848 groups; a group id names a classic group or a consumer group, never both (the events decide). */
    private final Map<String, ConsumerGroup> consumerGroups = new ConcurrentHashMap<>();
    /** KIP-932 share groups, in the same id space. */
    private final Map<String, ShareGroup> shareGroups = new ConcurrentHashMap<>();
    private final OffsetStore offsets;
    private final GroupOwnership ownership;
    private final List<EventQueue> queues;

    Groups(OffsetStore offsets, GroupOwnership ownership, Executor events) {
        this.offsets = offsets;
        this.ownership = ownership;
        List<EventQueue> all = new ArrayList<>(EVENT_QUEUES);
        for (int i = 0; i < EVENT_QUEUES; i++) {
            all.add(new EventQueue("group events " + i, events));
        }
        this.queues = List.copyOf(all);
    }

    /** NONE when this node coordinates the group, else the error a client should see (NOT_COORDINATOR, ...). */
    Errors errorFor(String groupId) {
        return ownership.errorFor(groupId);
    }

    /**
     * A classic group known in memory, or one that only has committed offsets: an empty group. Null if neither, or
     * if the id names a consumer group.
     */
    ClassicGroup find(String groupId) {
        if (groupId == null) {
            return null;
        }
        ClassicGroup group = byId.get(groupId);
        if (group == null && !consumerGroups.containsKey(groupId) && !shareGroups.containsKey(groupId)
                && offsets.groups().contains(groupId)) {
            group = byId.computeIfAbsent(groupId, ClassicGroup::new);
        }
        return group;
    }

    /** The group in memory only (no offsets lookup), or null. */
    ClassicGroup get(String groupId) {
        return byId.get(groupId);
    }

    ClassicGroup getOrCreate(String groupId) {
        return byId.computeIfAbsent(groupId, ClassicGroup::new);
    }

    /** Puts a group loaded from its stored metadata; returns the one it replaces, or null. */
    ClassicGroup put(ClassicGroup group) {
        return byId.put(group.groupId(), group);
    }

    void remove(ClassicGroup group) {
        byId.remove(group.groupId(), group);
    }

    Collection<ClassicGroup> all() {
        return byId.values();
    }

    /** The consumer group of that id, or null. */
    ConsumerGroup consumerGroup(String groupId) {
        return groupId == null ? null : consumerGroups.get(groupId);
    }

    /** Puts a consumer group (new, or loaded); returns the one it replaces, or null. */
    ConsumerGroup putConsumerGroup(ConsumerGroup group) {
        return consumerGroups.put(group.groupId(), group);
    }

    void removeConsumerGroup(ConsumerGroup group) {
        consumerGroups.remove(group.groupId(), group);
    }

    Collection<ConsumerGroup> allConsumerGroups() {
        return consumerGroups.values();
    }

    ShareGroup shareGroup(String groupId) {
        return groupId == null ? null : shareGroups.get(groupId);
    }

    void putShareGroup(ShareGroup group) {
        shareGroups.put(group.groupId(), group);
    }

    void removeShareGroup(ShareGroup group) {
        shareGroups.remove(group.groupId(), group);
    }

    Collection<ShareGroup> allShareGroups() {
        return shareGroups.values();
    }

    /**
     * Runs an event of the group: the events of one group run one at a time, in submission order, on the event
     * executor and holding no lock; the answers the event decides ({@link DeferredCompletions}) and the returned
     * future complete once it has run.
     */
    <T> CompletableFuture<T> run(ClassicGroup group, Supplier<T> event) {
        return run(group.groupId(), event);
    }

    /** As {@link #run(ClassicGroup, Supplier)}, for whatever group (of either type) has that id. */
    <T> CompletableFuture<T> run(String groupId, Supplier<T> event) {
        CompletableFuture<T> result = new CompletableFuture<>();
        queueOf(groupId).submit(completions -> {
            T value;
            try (DeferredCompletions deferred = DeferredCompletions.open()) {
                value = event.get();
            } catch (RuntimeException e) {
                completions.add(() -> result.completeExceptionally(e));
                return;
            }
            completions.add(() -> result.complete(value));
        });
        return result;
    }

    /** As {@link #run}, for an event without a result. */
    CompletableFuture<Void> runDo(ClassicGroup group, Runnable event) {
        return run(group, () -> {
            event.run();
            return null;
        });
    }

    private EventQueue queueOf(String groupId) {
        return queues.get(Math.floorMod(groupId.hashCode(), queues.size()));
    }
}
