package io.sluice.controller;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecord;
import io.sluice.metadata.MetadataRecord.GroupConfigRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Group config overrides (config resource type GROUP, as {@code kafka-configs --entity-type groups} sets them),
 * kept in the metadata log so every broker sees the same. Which keys and values are valid is the broker's to check
 * before it asks (it knows its group settings); this writes the change.
 *
 * <p>Threading: operations run on the controller's queue, one at a time.
 */
final class GroupConfigControl {
    private final Supplier<MetadataImage> image;
    private final RecordProposer proposer;
    private final ControllerQueue queue;

    GroupConfigControl(Supplier<MetadataImage> image, RecordProposer proposer, ControllerQueue queue) {
        this.image = image;
        this.proposer = proposer;
        this.queue = queue;
    }

    /** Replaces (incremental=false) or edits (a null value deletes the key) the group's overrides. */
    CompletableFuture<Void> alterGroupConfigs(String groupId, Map<String, String> changes, boolean incremental,
                                              boolean validateOnly) {
        return queue.serially(() -> {
            Map<String, String> current = image.get().groupConfigs(groupId);
            Map<String, String> result = incremental ? new HashMap<>(current) : new HashMap<>();
            changes.forEach((key, value) -> {
                if (value == null) {
                    result.remove(key);
                } else {
                    result.put(key, value);
                }
            });
            if (validateOnly) {
                return CompletableFuture.completedFuture(null);
            }
            List<MetadataRecord> batch = new ArrayList<>();
            new TreeMap<>(current).keySet().forEach(key -> {
                if (!result.containsKey(key)) {
                    batch.add(new GroupConfigRecord(groupId, key, null));
                }
            });
            new TreeMap<>(result).forEach((key, value) -> {
                if (!value.equals(current.get(key))) {
                    batch.add(new GroupConfigRecord(groupId, key, value));
                }
            });
            return batch.isEmpty() ? CompletableFuture.completedFuture(null) : proposer.propose(batch);
        });
    }
}
