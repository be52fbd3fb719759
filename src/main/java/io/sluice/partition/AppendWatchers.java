package io.sluice.partition;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Who waits for new data on which partition (long-poll fetches). An append wakes the waiters of
 * its partition; each waiter decides for itself whether it now has enough to answer.
 */
public final class AppendWatchers {
    private final Map<TopicPartition, Set<Runnable>> waiters = new ConcurrentHashMap<>();

    public void watch(TopicPartition partition, Runnable onAppend) {
        waiters.computeIfAbsent(partition, p -> ConcurrentHashMap.newKeySet()).add(onAppend);
    }

    public void unwatch(TopicPartition partition, Runnable onAppend) {
        waiters.computeIfPresent(partition, (p, set) -> {
            set.remove(onAppend);
            return set.isEmpty() ? null : set;
        });
    }

    public void appended(TopicPartition partition) {
        Set<Runnable> set = waiters.get(partition);
        if (set != null) {
            for (Runnable waiter : set) {
                waiter.run();
            }
        }
    }
}
