package io.sluice.group;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.Errors;

/**
 * The classic groups this node serves, by id, and where their offsets-only siblings come from: a group that has
 * only committed offsets (after a restart, or from a consumer without group management) is found as an Empty group.
 * Also the one way code here takes a group's monitor ({@link #locked}), so that every such section completes its
 * futures after releasing it.
 *
 * <p>Threading: the map is concurrent; a group's own state is read and changed only under its monitor.
 */
final class Groups {
    private final Map<String, ClassicGroup> byId = new ConcurrentHashMap<>();
    private final OffsetStore offsets;
    private final GroupOwnership ownership;

    Groups(OffsetStore offsets, GroupOwnership ownership) {
        this.offsets = offsets;
        this.ownership = ownership;
    }

    /** NONE when this node coordinates the group, else the error a client should see (NOT_COORDINATOR, ...). */
    Errors errorFor(String groupId) {
        return ownership.errorFor(groupId);
    }

    /** A group known in memory, or one that only has committed offsets: an empty group. Null if neither. */
    ClassicGroup find(String groupId) {
        if (groupId == null) {
            return null;
        }
        ClassicGroup group = byId.get(groupId);
        if (group == null && offsets.groups().contains(groupId)) {
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

    /** Runs {@code action} under the group's monitor; the futures it decides complete after the monitor is released. */
    static <T> T locked(ClassicGroup group, Supplier<T> action) {
        try (DeferredCompletions deferred = DeferredCompletions.open()) {
            synchronized (group) {
                return action.get();
            }
        }
    }

    /** As {@link #locked(ClassicGroup, Supplier)}, for an action without a result. */
    static void lockedDo(ClassicGroup group, Runnable action) {
        locked(group, () -> {
            action.run();
            return null;
        });
    }
}
