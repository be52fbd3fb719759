package io.sluice.cli;

import java.util.ArrayList;
import java.util.List;

/** A --topic argument of {@code groups --reset-offsets}: "TOPIC" (every partition) or "TOPIC:P[,P...]". */
record TopicPartitionsSpec(String topic, List<Integer> partitions) {

    boolean allPartitions() {
        return partitions.isEmpty();
    }

    /** @throws IllegalArgumentException for an empty topic or a partition that is not a non-negative number */
    static TopicPartitionsSpec parse(String text) {
        int colon = text.lastIndexOf(':');
        String topic = colon < 0 ? text : text.substring(0, colon);
        if (topic.isBlank()) {
            throw new IllegalArgumentException("Invalid topic '" + text + "': expected TOPIC or TOPIC:P[,P...]");
        }
        List<Integer> partitions = new ArrayList<>();
        if (colon >= 0) {
            for (String part : text.substring(colon + 1).split(",", -1)) {
                try {
                    int partition = Integer.parseInt(part.trim());
                    if (partition < 0) {
                        throw new NumberFormatException();
                    }
                    partitions.add(partition);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Invalid partition '" + part + "' in '" + text
                            + "': expected TOPIC or TOPIC:P[,P...]");
                }
            }
        }
        return new TopicPartitionsSpec(topic, List.copyOf(partitions));
    }
}
