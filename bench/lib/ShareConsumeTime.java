/*
 * Share-group (KIP-932) consume workload of bench/run: how fast a share group drains one partition.
 *
 *   java -cp "bench/target/kafka-lib/*" bench/lib/ShareConsumeTime.java <bootstrap> <topic> <records> <consumers>
 *
 * A single-file program (Java 17 source launch, no build step) on Kafka's own Java clients only.
 *
 * 1. Creates the topic if missing (1 partition, replication factor 1) and waits until it has a leader.
 * 2. Produces <records> records of 100 bytes (acks=1, as fast as the producer goes; not timed) and notes
 *    the partition's log-end offset before and after: the records to receive are those in between.
 * 3. Sets the group config share.auto.offset.reset=earliest on a new group id (Admin
 *    incrementalAlterConfigs, ConfigResource.Type.GROUP) and waits until describeConfigs shows it, so
 *    the group starts at the beginning of the partition instead of its end.
 * 4. Starts <consumers> KafkaShareConsumer threads of that group (implicit acknowledgement: a poll
 *    acknowledges the previous poll's records; client defaults otherwise, and each broker's own share
 *    group defaults), each subscribed to the topic and polling in a loop.
 * 5. Times from just before the first consumer is constructed until the group as a whole has received
 *    every offset produced in step 2 (distinct offsets; an offset delivered again, e.g. after a lock
 *    timed out, counts as a duplicate). The join of the group is inside that time.
 *
 * Prints one line "SHARE consumers=N records=R elapsed_ms=T rec_s=X duplicates=D per_consumer=a,b,c
 * first_record_ms=F" and exits 0; per_consumer counts every delivery to each consumer (duplicates
 * included), first_record_ms is when the group received its first record (the join, mostly). On any
 * failure, or when 180 s have passed since the program started, prints "SHARE-ERROR consumers=N <what>"
 * and exits 1. Consumers are closed (acknowledging what they hold) before the program exits.
 */

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class ShareConsumeTime {
    static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(180);
    static final int RECORD_SIZE = 100;
    static final String RESET_KEY = "share.auto.offset.reset";

    static final class Failure extends Exception {
        Failure(String message) { super(message); }
    }

    // Guarded by LOCK.
    static final Object LOCK = new Object();
    static BitSet received;
    static long distinct;
    static long duplicates;
    static long[] perConsumer;
    static long firstRecordNs = -1;
    static long doneNs = -1;

    static final AtomicReference<String> failure = new AtomicReference<>();
    static volatile boolean stopping;
    static volatile boolean resultPrinted;

    static String bootstrap, topic, groupId;
    static int consumers;
    static long baseOffset, expected;

    public static void main(String[] args) {
        if (args.length != 4) {
            System.out.println("SHARE-ERROR usage: ShareConsumeTime <bootstrap> <topic> <records> <consumers>");
            System.exit(2);
        }
        bootstrap = args[0];
        topic = args[1];
        long records;
        try {
            records = Long.parseLong(args[2]);
            consumers = Integer.parseInt(args[3]);
        } catch (NumberFormatException e) {
            System.out.println("SHARE-ERROR not a number: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (records < 1 || records > Integer.MAX_VALUE || consumers < 1) {
            System.out.println("SHARE-ERROR consumers=" + consumers + " need at least one record and one consumer");
            System.exit(2);
        }
        groupId = "share-bench-" + topic + "-" + System.currentTimeMillis();
        perConsumer = new long[consumers];

        long deadline = System.nanoTime() + DEADLINE_NS;
        startWatchdog(deadline);
        int exitCode = 1;
        Admin admin = null;
        List<Thread> threads = new ArrayList<>();
        List<KafkaShareConsumer<byte[], byte[]>> opened = new ArrayList<>();
        try {
            Properties adminProps = new Properties();
            adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            admin = Admin.create(adminProps);
            ensureTopic(admin, deadline);
            TopicPartition tp = new TopicPartition(topic, 0);
            baseOffset = endOffset(admin, tp, deadline);
            produce(records, deadline);
            long end = endOffset(admin, tp, deadline);
            expected = end - baseOffset;
            if (expected < records) {
                throw new Failure("produced " + records + " records but the log end offset moved by only " + expected);
            }
            received = new BitSet((int) expected);
            setEarliest(admin, deadline);

            long startNs = System.nanoTime();
            for (int i = 0; i < consumers; i++) {
                int index = i;
                Thread t = new Thread(() -> consume(index, opened), "share-consumer-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            long done = waitUntilDone(deadline);
            String line;
            synchronized (LOCK) {
                double elapsedMs = (done - startNs) / 1e6;
                StringBuilder per = new StringBuilder();
                for (int i = 0; i < consumers; i++) per.append(i == 0 ? "" : ",").append(perConsumer[i]);
                line = String.format("SHARE consumers=%d records=%d elapsed_ms=%.0f rec_s=%.1f duplicates=%d "
                                + "per_consumer=%s first_record_ms=%.0f",
                        consumers, expected, elapsedMs, expected / (elapsedMs / 1000.0), duplicates, per,
                        (firstRecordNs - startNs) / 1e6);
            }
            System.out.println(line);
            System.out.flush();
            resultPrinted = true;
            exitCode = 0;
        } catch (Failure e) {
            error(e.getMessage());
        } catch (Exception e) {
            error(e.toString());
        } finally {
            stopping = true;
            synchronized (opened) {
                for (KafkaShareConsumer<byte[], byte[]> c : opened) c.wakeup();
            }
            // Each consumer closes itself on its own thread (a KafkaShareConsumer is not thread-safe).
            long closeBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (Thread t : threads) {
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(closeBy - System.nanoTime())));
                } catch (InterruptedException ignored) {
                    break;
                }
            }
            if (admin != null) admin.close(Duration.ofSeconds(2));
        }
        System.exit(exitCode);
    }

    static void error(String message) {
        String first = failure.get();
        if (first != null && !message.contains(first)) message = message + " (first failure: " + first + ")";
        System.out.println("SHARE-ERROR consumers=" + consumers + " " + message.replace('\n', ' '));
        System.out.flush();
    }

    static void fail(String message) {
        failure.compareAndSet(null, message);
    }

    /** Ends a hung run: when the deadline has long passed, whatever is blocking, the JVM goes. */
    static void startWatchdog(long deadline) {
        Thread watchdog = new Thread(() -> {
            long hardStop = deadline + TimeUnit.SECONDS.toNanos(25);
            long left;
            while ((left = hardStop - System.nanoTime()) > 0) LockSupport.parkNanos(left);
            if (resultPrinted) Runtime.getRuntime().halt(0);
            System.out.println("SHARE-ERROR consumers=" + consumers + " hung past the 180 s deadline");
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    static long remainingMs(long deadline) throws Failure {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) throw new Failure("deadline of 180 s passed");
        return left;
    }

    // --- topic and records ----------------------------------------------------------------------

    static void ensureTopic(Admin admin, long deadline) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all()
                    .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) throw new Failure("creating topic " + topic + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new Failure("creating topic " + topic + " did not finish in time");
        }
        String last = "not described yet";
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(remainingMs(deadline), TimeUnit.MILLISECONDS).get(topic);
                if (d.partitions().size() != 1) {
                    throw new Failure("topic " + topic + " has " + d.partitions().size() + " partitions, not 1");
                }
                TopicPartitionInfo info = d.partitions().get(0);
                if (info.leader() != null && !info.leader().isEmpty()) return;
                last = "the partition has no leader";
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new Failure("describing topic " + topic + ": " + e.getCause());
                }
                last = e.getCause().toString();
            } catch (TimeoutException e) {
                last = "describeTopics timed out";
            }
            if (System.nanoTime() - deadline > 0) throw new Failure("topic " + topic + " not ready in time: " + last);
            Thread.sleep(20);
        }
    }

    static long endOffset(Admin admin, TopicPartition tp, long deadline) throws Exception {
        try {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                    .get(remainingMs(deadline), TimeUnit.MILLISECONDS).offset();
        } catch (ExecutionException e) {
            throw new Failure("listing the end offset of " + tp + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new Failure("listing the end offset of " + tp + " timed out");
        }
    }

    static void produce(long records, long deadline) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "share-bench-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        byte[] value = new byte[RECORD_SIZE];
        Arrays.fill(value, (byte) 'x');
        AtomicReference<Exception> sendError = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (long i = 0; i < records && sendError.get() == null; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, value), (metadata, e) -> {
                    if (e != null) sendError.compareAndSet(null, e);
                });
                if ((i & 0xFFFF) == 0) remainingMs(deadline);
            }
            producer.flush();
        }
        if (sendError.get() != null) throw new Failure("producing the records: " + sendError.get());
        remainingMs(deadline);
    }

    // --- group config ---------------------------------------------------------------------------

    static void setEarliest(Admin admin, long deadline) throws Exception {
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        Map<ConfigResource, Collection<AlterConfigOp>> change = Map.of(group,
                List.of(new AlterConfigOp(new ConfigEntry(RESET_KEY, "earliest"), AlterConfigOp.OpType.SET)));
        try {
            admin.incrementalAlterConfigs(change).all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new Failure("setting " + RESET_KEY + "=earliest on group " + groupId + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new Failure("setting " + RESET_KEY + "=earliest on group " + groupId + " timed out");
        }
        String last = "not described yet";
        while (true) {
            try {
                Config config = admin.describeConfigs(List.of(group)).all()
                        .get(remainingMs(deadline), TimeUnit.MILLISECONDS).get(group);
                ConfigEntry entry = config == null ? null : config.get(RESET_KEY);
                if (entry != null && "earliest".equals(entry.value())) return;
                last = entry == null ? RESET_KEY + " not described" : RESET_KEY + "=" + entry.value();
            } catch (ExecutionException e) {
                last = e.getCause().toString();
            } catch (TimeoutException e) {
                last = "describeConfigs timed out";
            }
            if (System.nanoTime() - deadline > 0) {
                throw new Failure("group " + groupId + " config never showed " + RESET_KEY + "=earliest: " + last);
            }
            Thread.sleep(20);
        }
    }

    // --- consumers ------------------------------------------------------------------------------

    static void consume(int index, List<KafkaShareConsumer<byte[], byte[]>> opened) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "share-bench-consumer-" + index);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaShareConsumer<byte[], byte[]> consumer = null;
        try {
            consumer = new KafkaShareConsumer<>(props);
            synchronized (opened) {
                opened.add(consumer);
            }
            if (stopping) return;
            consumer.subscribe(List.of(topic));
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) continue;
                synchronized (LOCK) {
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        perConsumer[index]++;
                        long at = r.offset() - baseOffset;
                        if (at < 0 || at >= expected) continue;  // not one of this run's records
                        if (received.get((int) at)) {
                            duplicates++;
                        } else {
                            received.set((int) at);
                            distinct++;
                        }
                    }
                    long now = System.nanoTime();
                    if (firstRecordNs < 0) firstRecordNs = now;
                    if (distinct == expected && doneNs < 0) {
                        doneNs = now;
                        LOCK.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            if (!stopping) fail("consumer " + index + ": unexpected wakeup");
        } catch (Exception e) {
            if (!stopping) fail("consumer " + index + ": " + e);
        } finally {
            if (consumer != null) {
                try {
                    consumer.close(Duration.ofSeconds(10));
                } catch (Exception e) {
                    // after the measurement; nothing left to report
                }
            }
        }
    }

    static long waitUntilDone(long deadline) throws Failure, InterruptedException {
        synchronized (LOCK) {
            while (doneNs < 0) {
                String f = failure.get();
                if (f != null) throw new Failure(f);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    StringBuilder per = new StringBuilder();
                    for (int i = 0; i < consumers; i++) per.append(i == 0 ? "" : ",").append(perConsumer[i]);
                    throw new Failure("timed out after 180 s: the group received " + distinct + " of " + expected
                            + " records (duplicates " + duplicates + ", per consumer " + per + ")");
                }
                LOCK.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
            }
            return doneNs;
        }
    }
}
