package io.sluice.cli;

import java.io.PrintWriter;
import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * Polls and prints until --max-messages records were printed or nothing arrived for --timeout-ms.
 * The count stays readable after a wakeup so the final "Processed a total" line is right.
 */
final class ConsoleConsumeLoop {
    private static final long MAX_POLL_WAIT_MS = 500;

    private final Long maxMessages;
    private final Long timeoutMs;
    private final ConsoleRecordFormatter formatter;
    private volatile long printed;

    /** maxMessages and timeoutMs may be null for "no limit". */
    ConsoleConsumeLoop(Long maxMessages, Long timeoutMs, ConsoleRecordFormatter formatter) {
        this.maxMessages = maxMessages;
        this.timeoutMs = timeoutMs;
        this.formatter = formatter;
    }

    long printed() {
        return printed;
    }

    /** Runs until a limit is reached; a consumer.wakeup() ends it with WakeupException. */
    void run(Consumer<byte[], byte[]> consumer, PrintWriter out) {
        StringBuilder line = new StringBuilder(256);
        long idleDeadline = timeoutMs == null ? Long.MAX_VALUE : System.nanoTime() + timeoutMs * 1_000_000L;
        long count = printed;
        while (maxMessages == null || count < maxMessages) {
            long waitMs = MAX_POLL_WAIT_MS;
            if (timeoutMs != null) {
                long remainingMs = (idleDeadline - System.nanoTime()) / 1_000_000L;
                if (remainingMs <= 0) {
                    break;
                }
                waitMs = Math.min(waitMs, remainingMs);
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(waitMs));
            if (records.isEmpty()) {
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                line.setLength(0);
                formatter.format(record, line);
                out.print(line);
                printed = ++count;
                if (maxMessages != null && count >= maxMessages) {
                    break;
                }
            }
            out.flush();
            if (timeoutMs != null) {
                idleDeadline = System.nanoTime() + timeoutMs * 1_000_000L;
            }
        }
    }
}
