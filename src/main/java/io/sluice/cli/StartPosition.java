package io.sluice.cli;

import java.util.Collection;
import java.util.Locale;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Where an assigned consumer starts: earliest, latest, or an exact offset. */
record StartPosition(Kind kind, long offset) {
    enum Kind { EARLIEST, LATEST, EXACT }

    /**
     * @throws IllegalArgumentException unless text is earliest, latest or a non-negative number
     */
    static StartPosition parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("earliest")) {
            return new StartPosition(Kind.EARLIEST, -1);
        }
        if (t.equals("latest")) {
            return new StartPosition(Kind.LATEST, -1);
        }
        long value = Long.parseLong(t);
        if (value < 0) {
            throw new IllegalArgumentException("negative offset " + value);
        }
        return new StartPosition(Kind.EXACT, value);
    }

    boolean isEarliest() {
        return kind == Kind.EARLIEST;
    }

    boolean isExact() {
        return kind == Kind.EXACT;
    }

    void seek(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        switch (kind) {
            case EARLIEST -> consumer.seekToBeginning(partitions);
            case LATEST -> consumer.seekToEnd(partitions);
            case EXACT -> partitions.forEach(tp -> consumer.seek(tp, offset));
        }
    }
}
