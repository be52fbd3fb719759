package io.sluice.group;

import io.sluice.group.consumer.ConsumerGroup;
import io.sluice.group.consumer.ConsumerGroupRecord;
import io.sluice.group.share.ShareGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Groups arriving and leaving with the leadership of their offsets partitions: loading groups from their stored
 * metadata, unloading the ones another node now coordinates, and letting every group go when the broker stops.
 *
 * <p>Threading: called from the coordination thread (and close from the stopping thread); each group changes in
 * its events ({@link Groups#run}). A loaded group's first event is queued before the group is visible, so every
 * request for it runs after its sessions started.
 */
final class GroupLoader {
    private static final Logger log = LoggerFactory.getLogger(GroupLoader.class);

    private final Groups groups;
    private final ClassicRebalance rebalance;
    private final ConsumerRebalance consumerRebalance;

    GroupLoader(Groups groups, ClassicRebalance rebalance, ConsumerRebalance consumerRebalance) {
        this.groups = groups;
        this.rebalance = rebalance;
        this.consumerRebalance = consumerRebalance;
    }

    /**
     * Takes over KIP-848 consumer groups from their stored records: each member keeps its epoch and partitions and
     * its session starts now, so members that keep heartbeating go on without a rebalance. Returns how many.
     */
    int loadConsumerGroups(Map<String, List<ConsumerGroupRecord>> stored) {
        stored.forEach((groupId, records) -> groups.run(groupId, () -> {
            consumerRebalance.restore(groupId, records);
            return null;
        }));
        if (!stored.isEmpty()) {
            log.debug("Loaded {} consumer group(s)", stored.size());
        }
        return stored.size();
    }

    /**
     * Takes over groups from their stored metadata (this node now coordinates their offsets partition): each is
     * Stable in its stored generation, or Empty, and its members' sessions start now, so members that keep
     * heartbeating stay without a rebalance and the others expire as usual. A group already here is replaced.
     * Returns how many groups were loaded.
     */
    int loadGroups(Collection<GroupMetadata> stored) {
        for (GroupMetadata metadata : stored) {
            ClassicGroup group = ClassicGroup.restore(metadata);
            groups.runDo(group, () -> group.members().forEach(member -> rebalance.scheduleSession(group, member)));
            ClassicGroup replaced = groups.put(group);
            if (replaced != null) {
                groups.runDo(replaced, () -> letGo(replaced));
            }
            log.info("Loaded group {} in generation {} ({}) with {} member(s)", metadata.groupId(),
                    metadata.generation(), group.state().kafkaName(), metadata.members().size());
        }
        return stored.size();
    }

    /**
     * Forgets the groups another node now coordinates (this one lost the leadership of their offsets partition):
     * waiting JoinGroup and SyncGroup requests are answered NOT_COORDINATOR so their members find the new
     * coordinator, and no timer of those groups fires here any more. Returns how many groups went.
     */
    int unloadGroups(Predicate<String> movedAway) {
        int unloaded = 0;
        for (ClassicGroup group : groups.all()) {
            if (movedAway.test(group.groupId())) {
                groups.remove(group);
                groups.runDo(group, () -> letGo(group));
                unloaded++;
            }
        }
        for (ShareGroup group : groups.allShareGroups()) {
            if (movedAway.test(group.groupId())) {
                // Its members find the new coordinator and join there (share group membership is not stored).
                groups.removeShareGroup(group);
                groups.run(group.groupId(), () -> {
                    group.markDead();
                    return null;
                });
                unloaded++;
            }
        }
        for (ConsumerGroup group : groups.allConsumerGroups()) {
            if (movedAway.test(group.groupId())) {
                groups.removeConsumerGroup(group);
                groups.run(group.groupId(), () -> {
                    consumerRebalance.cancelTimers(group.groupId());
                    group.markDead();
                    return null;
                });
                unloaded++;
            }
        }
        return unloaded;
    }

    /**
     * Answers every waiting request with NOT_COORDINATOR (the broker is going away) and stops all timers, waiting
     * up to {@code timeout} for the groups' events to have run.
     */
    void closeAll(Duration timeout) {
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (ClassicGroup group : groups.all()) {
            stopped.add(groups.runDo(group, () -> ClassicRebalance.stopServing(group)));
        }
        try {
            CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Not every group stopped within {}: {}", timeout, e.toString());
        }
    }

    /** In the group's event: it is served here no more. */
    private static void letGo(ClassicGroup group) {
        ClassicRebalance.stopServing(group);
        if (!group.is(GroupState.DEAD)) {
            group.transitionTo(GroupState.DEAD);
        }
    }
}
