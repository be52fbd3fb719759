package io.sluice.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.Clients;
import io.sluice.it.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * An idempotent acks=all producer writing numbered values ("p-seq") round-robin to the partitions of a topic from
 * its own thread, as fast as a bounded number of outstanding sends allows, and keeping per partition the values
 * the broker acknowledged, in acknowledgement order. After a fault is marked it also records when the first
 * record sent after the fault was acknowledged: the failover time as a client sees it.
 */
final class AckedRecords implements AutoCloseable {
    private static final int MAX_OUTSTANDING = 200;

    private final String topic;
    private final int partitions;
    private final KafkaProducer<String, String> producer;
    private final Map<Integer, List<String>> acked = new HashMap<>();
    private final Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
    private final AtomicInteger ackedCount = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong faultNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong firstAckAfterFaultNanos = new AtomicLong(Long.MAX_VALUE);
    private volatile Set<Integer> faultedPartitions = Set.of();
    private final Thread sender;
    private volatile boolean running = true;
    private volatile Exception lastError;
    private int sent;

    AckedRecords(String bootstrap, String topic, int partitions) {
        this.topic = topic;
        this.partitions = partitions;
        this.producer = Clients.producer(bootstrap, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000,
                ProducerConfig.METADATA_MAX_AGE_CONFIG, 1_000));
        for (int p = 0; p < partitions; p++) {
            acked.put(p, new ArrayList<>());
        }
        this.sender = new Thread(this::sendUntilStopped, "acked-records-" + topic);
        this.sender.setDaemon(true);
    }

    AckedRecords start() {
        sender.start();
        return this;
    }

    private void sendUntilStopped() {
        while (running) {
            try {
                if (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            int partition = sent % partitions;
            String value = partition + "-" + (sent / partitions);
            long sentAt = System.nanoTime();
            sent++;
            producer.send(new ProducerRecord<>(topic, partition, null, value), (metadata, error) -> {
                outstanding.release();
                if (error != null) {
                    failed.incrementAndGet();
                    lastError = error;
                    return;
                }
                synchronized (acked) {
                    acked.get(partition).add(value);
                }
                ackedCount.incrementAndGet();
                if (sentAt - faultNanos.get() > 0 && faultedPartitions.contains(partition)) {
                    firstAckAfterFaultNanos.accumulateAndGet(System.nanoTime(), Math::min);
                }
            });
        }
    }

    void awaitAcked(int count, Duration timeout) {
        Poll.until(timeout, () -> ackedCount.get() >= count, count + " acknowledged records (have " + ackedCount.get()
                + ", failed " + failed.get() + ", last error " + lastError + ")");
    }

    int ackedCount() {
        return ackedCount.get();
    }

    /**
     * From now on, the first acknowledgement of a record sent after this moment to one of the given partitions (those
     * the fault hit) ends the failover.
     */
    void markFault(Set<Integer> partitionsHit) {
        faultedPartitions = Set.copyOf(partitionsHit);
        faultNanos.set(System.nanoTime());
    }

    /** Milliseconds from {@link #markFault(Set)} to the first acknowledgement of a record sent after it. */
    long awaitFailoverMs(Duration timeout) {
        Poll.until(timeout, () -> firstAckAfterFaultNanos.get() != Long.MAX_VALUE,
                "an acknowledgement of a record sent after the fault (last error " + lastError + ")");
        return TimeUnit.NANOSECONDS.toMillis(firstAckAfterFaultNanos.get() - faultNanos.get());
    }

    /** Stops sending and waits for every outstanding send to be acknowledged or to fail. */
    void stop() throws InterruptedException {
        running = false;
        sender.join(10_000);
        producer.flush();
    }

    int failedCount() {
        return failed.get();
    }

    /** Every send succeeded, and each partition's acknowledgements came in sending order: p-0, p-1, ... */
    void assertAckedWithoutGaps() {
        assertThat(failed.get()).as("failed sends (last error %s)", lastError).isZero();
        acked().forEach((p, values) -> {
            for (int i = 0; i < values.size(); i++) {
                assertThat(values.get(i)).as("acknowledgement %d of partition %d", i, p).isEqualTo(p + "-" + i);
            }
        });
    }

    Map<Integer, List<String>> acked() {
        synchronized (acked) {
            Map<Integer, List<String>> copy = new HashMap<>();
            acked.forEach((p, values) -> copy.put(p, List.copyOf(values)));
            return copy;
        }
    }

    /**
     * Reads every partition to its end through the given brokers and checks, per partition, that each acknowledged
     * value is there exactly once and in the order it was sent (values of one partition are numbered in sending
     * order, so the acknowledged ones must appear as an increasing run), and that none of {@code forbidden} is.
     * Returns how many records were read.
     */
    int assertEveryAckedRecordPresent(String bootstrap, Set<String> forbidden, Duration timeout) {
        Map<Integer, List<String>> expected = acked();
        List<TopicPartition> tps = Clients.partitions(topic, partitions);
        Map<TopicPartition, Long> ends = Clients.endOffsets(bootstrap, tps);
        Map<Integer, List<String>> read = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = Clients.consumer(bootstrap)) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Poll.until(timeout, () -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    read.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(record.value());
                }
                return tps.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            }, "every partition of " + topic + " read to its end " + ends);
        }
        int total = 0;
        for (int p = 0; p < partitions; p++) {
            List<String> values = read.getOrDefault(p, List.of());
            total += values.size();
            assertThat(values).as("partition %d", p).doesNotHaveDuplicates();
            assertThat(values).as("partition %d", p).noneMatch(forbidden::contains);
            assertThat(values).as("partition %d: acknowledged values in order", p).containsSubsequence(expected.get(p));
            Set<String> present = new HashSet<>(values);
            assertThat(present).as("partition %d", p).containsAll(expected.get(p));
            int last = -1;
            for (String value : values) {
                int seq = Integer.parseInt(value.substring(value.indexOf('-') + 1));
                assertThat(seq).as("partition %d: %s after sequence %d", p, value, last).isGreaterThan(last);
                last = seq;
            }
        }
        return total;
    }

    @Override
    public void close() {
        running = false;
        producer.close(Duration.ofSeconds(10));
    }
}
