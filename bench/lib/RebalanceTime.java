/*
 * Consumer-group rebalance workload of bench/run: how long a group stops consuming when a member joins.
 *
 *   java -cp "bench/target/kafka-lib/*" bench/lib/RebalanceTime.java <bootstrap> <topic> <partitions> \
 *        <protocol classic|consumer> <members-before>
 *
 * A single-file program (Java 17 source launch, no build step) on Kafka's own Java clients only.
 *
 * 1. Creates the topic if missing (replication factor 1) and waits until every partition has a leader.
 * 2. A producer thread sends one small record to every partition every 10 ms; each record's value is
 *    the System.nanoTime() of its send, so any member can tell whether a record was produced after t0.
 * 3. Starts <members-before> consumers of one new group, each polling on its own thread with
 *    group.protocol=<protocol>. Classic: the client's default partition.assignment.strategy of Kafka 4.x,
 *    [RangeAssignor, CooperativeStickyAssignor], which makes the group use range, the eager protocol
 *    (every member gives up all its partitions on a rebalance); that is what an application gets unless
 *    it opts into cooperative rebalancing. Consumer (KIP-848): the broker's default server assignor.
 *    Otherwise client defaults (auto.offset.reset=latest, auto-commit on, no session or heartbeat
 *    overrides), so each broker's own group defaults decide the timing.
 * 4. Waits until the group is steady: every partition owned by exactly one member, the partitions spread
 *    evenly, every partition delivering to its owner, and no assignment change for 1 s.
 * 5. t0: starts one more consumer (its construction counts), then waits until the group has settled
 *    again: every partition owned by exactly one of the members, spread evenly over all of them, and
 *    every partition has delivered a record produced after t0 to the member that owns it now, since it
 *    got the partition.
 *
 * Figures, in ms from t0:
 *   all_consumed_ms             until every partition has delivered a record produced after t0 to its
 *                               final owner after that owner (re)acquired it; a partition that moves is
 *                               counted from its new owner, not from the last records its old owner
 *                               read before giving it up
 *   kept_partition_max_gap_ms   the longest gap between consecutive deliveries of a partition whose owner
 *                               is the same before and after the rebalance (from its last delivery before
 *                               t0 until the group settled); "none" if no partition stayed put
 *   new_member_first_record_ms  until the new member received its first record
 * plus, for context: the partitions kept and moved, steady_max_gap_ms (the longest gap between
 * deliveries of any partition in the second before t0: the normal polling cadence), settled_ms (when
 * the settled condition above first held) and, last on the line, the assignor the group reported
 * (Admin describeConsumerGroups; "unknown" if that call fails).
 *
 * Prints one line "REBALANCE protocol=... all_consumed_ms=... kept_partition_max_gap_ms=...
 * new_member_first_record_ms=... ..." and exits 0; on any failure, or when 120 s pass, prints
 * "REBALANCE-ERROR protocol=... <what>" and exits 1.
 */

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class RebalanceTime {
    static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(120);
    static final long SEND_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long STEADY_FOR_NS = TimeUnit.SECONDS.toNanos(1);
    static final long RECENT_DELIVERY_NS = TimeUnit.MILLISECONDS.toNanos(500);

    /** One poll's records of one partition, as one member received them. */
    record Batch(long atNs, int member, long maxProducedNs) {}

    static final class Member {
        final int index;
        final Map<Integer, Long> owned = new HashMap<>();  // partition -> when this member (re)acquired it
        long firstRecordNs = -1;
        Thread thread;
        volatile KafkaConsumer<byte[], byte[]> consumer;

        Member(int index) { this.index = index; }
    }

    static final class Failure extends Exception {
        Failure(String message) { super(message); }
    }

    // Everything below is guarded by LOCK.
    static final Object LOCK = new Object();
    static final List<Member> members = new ArrayList<>();
    static List<List<Batch>> deliveries;
    static long lastAssignmentChangeNs;
    // What settled() saw when it first held: owner of each partition, since when, and the time.
    static int[] settledOwner;
    static long[] settledSince;
    static long settledAtNs;

    static volatile String failure;
    static volatile boolean stopping;
    static volatile boolean resultPrinted;

    static String bootstrap, topic, protocol, groupId;
    static int partitions;

    public static void main(String[] args) {
        if (args.length != 5 || !(args[3].equals("classic") || args[3].equals("consumer"))) {
            System.out.println("REBALANCE-ERROR usage: RebalanceTime <bootstrap> <topic> <partitions> "
                    + "<protocol classic|consumer> <members-before>");
            System.exit(2);
        }
        bootstrap = args[0];
        topic = args[1];
        protocol = args[3];
        int membersBefore;
        try {
            partitions = Integer.parseInt(args[2]);
            membersBefore = Integer.parseInt(args[4]);
        } catch (NumberFormatException e) {
            System.out.println("REBALANCE-ERROR protocol=" + protocol + " not a number: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (partitions < membersBefore + 1 || membersBefore < 1) {
            System.out.println("REBALANCE-ERROR protocol=" + protocol
                    + " need at least one member before and more partitions than members after the join");
            System.exit(2);
        }
        groupId = "rebalance-" + protocol + "-" + topic + "-" + System.currentTimeMillis();
        deliveries = new ArrayList<>();
        for (int p = 0; p < partitions; p++) deliveries.add(new ArrayList<>());

        long start = System.nanoTime();
        long deadline = start + DEADLINE_NS;
        startWatchdog(deadline);
        int exitCode = 1;
        Admin admin = null;
        KafkaProducer<byte[], byte[]> producer = null;
        Thread producerThread = null;
        try {
            Properties adminProps = new Properties();
            adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            admin = Admin.create(adminProps);
            ensureTopic(admin, deadline);

            producer = newProducer();
            producerThread = startProducer(producer);
            synchronized (LOCK) {
                for (int i = 0; i < membersBefore; i++) startMember(i);
            }
            waitFor(deadline, "the first " + membersBefore + " members to share all partitions and consume",
                    () -> steady(membersBefore));

            long t0;
            int[] ownerAtT0;
            Member joiner;
            synchronized (LOCK) {
                ownerAtT0 = owners(membersBefore);
                t0 = System.nanoTime();
                joiner = startMember(membersBefore);
            }
            waitFor(deadline, "the group to settle with member " + (membersBefore + 1),
                    () -> settled(membersBefore + 1, t0));
            String line;
            synchronized (LOCK) {
                line = summary(membersBefore, t0, ownerAtT0, joiner);
            }
            System.out.println(line + " assignor=" + describeAssignor(admin, deadline));
            System.out.flush();
            resultPrinted = true;
            exitCode = 0;
        } catch (Failure e) {
            error(e.getMessage());
        } catch (Exception e) {
            error(e.toString());
        } finally {
            stopping = true;
            long closeBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            List<Thread> threads = new ArrayList<>();
            synchronized (LOCK) {
                for (Member m : members) {
                    KafkaConsumer<byte[], byte[]> c = m.consumer;
                    if (c != null) c.wakeup();
                    threads.add(m.thread);
                }
            }
            if (producerThread != null) threads.add(producerThread);
            for (Thread t : threads) {
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(closeBy - System.nanoTime())));
                } catch (InterruptedException ignored) {
                    break;
                }
            }
            if (producer != null) producer.close(Duration.ofSeconds(2));
            if (admin != null) admin.close(Duration.ofSeconds(2));
        }
        System.exit(exitCode);
    }

    static void error(String message) {
        if (failure != null && !message.contains(failure)) message = message + " (first failure: " + failure + ")";
        System.out.println("REBALANCE-ERROR protocol=" + protocol + " " + message.replace('\n', ' '));
        System.out.flush();
    }

    /** Ends a hung run: when the deadline has long passed, whatever is blocking, the JVM goes. */
    static void startWatchdog(long deadline) {
        Thread watchdog = new Thread(() -> {
            long hardStop = deadline + TimeUnit.SECONDS.toNanos(20);
            long left;
            while ((left = hardStop - System.nanoTime()) > 0) LockSupport.parkNanos(left);
            if (resultPrinted) Runtime.getRuntime().halt(0);
            System.out.println("REBALANCE-ERROR protocol=" + protocol + " hung past the 120 s deadline");
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    static long remainingMs(long deadline) throws Failure {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) throw new Failure("deadline of 120 s passed");
        return left;
    }

    // --- topic --------------------------------------------------------------------------------

    static void ensureTopic(Admin admin, long deadline) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all()
                    .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) throw new Failure("creating topic " + topic + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new Failure("creating topic " + topic + " did not finish within 120 s");
        }
        String last = "not described yet";
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(remainingMs(deadline), TimeUnit.MILLISECONDS).get(topic);
                if (d.partitions().size() != partitions) {
                    throw new Failure("topic " + topic + " has " + d.partitions().size() + " partitions, not " + partitions);
                }
                boolean led = true;
                for (TopicPartitionInfo info : d.partitions()) led &= info.leader() != null && !info.leader().isEmpty();
                if (led) return;
                last = "a partition has no leader";
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new Failure("describing topic " + topic + ": " + e.getCause());
                }
                last = e.getCause().toString();
            } catch (TimeoutException e) {
                last = "describeTopics timed out";
            }
            if (System.nanoTime() - deadline > 0) throw new Failure("topic " + topic + " not ready within 120 s: " + last);
            Thread.sleep(20);
        }
    }

    // --- producer -----------------------------------------------------------------------------

    static KafkaProducer<byte[], byte[]> newProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "rebalance-producer");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** One record per partition every 10 ms; the sleeps here only pace the sends. */
    static Thread startProducer(KafkaProducer<byte[], byte[]> producer) {
        Thread t = new Thread(() -> {
            try {
                long next = System.nanoTime();
                while (!stopping) {
                    for (int p = 0; p < partitions && !stopping; p++) {
                        byte[] value = ByteBuffer.allocate(Long.BYTES).putLong(System.nanoTime()).array();
                        producer.send(new ProducerRecord<>(topic, p, null, value), (metadata, e) -> {
                            if (e != null && !stopping) fail("producer: " + e);
                        });
                    }
                    next += SEND_INTERVAL_NS;
                    long wait = next - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                    else if (wait < -TimeUnit.SECONDS.toNanos(1)) next = System.nanoTime();  // fell behind: no burst
                }
            } catch (Exception e) {
                if (!stopping) fail("producer: " + e);
            }
        }, "producer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void fail(String message) {
        synchronized (LOCK) {
            if (failure == null) failure = message;
        }
    }

    // --- members ------------------------------------------------------------------------------

    /** Caller holds LOCK. */
    static Member startMember(int index) {
        Member m = new Member(index);
        members.add(m);
        m.thread = new Thread(() -> consume(m), "member-" + index);
        m.thread.setDaemon(true);
        m.thread.start();
        return m;
    }

    static void consume(Member m) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "rebalance-member-" + m.index);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = null;
        try {
            consumer = new KafkaConsumer<>(props);
            m.consumer = consumer;
            if (stopping) return;
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override public void onPartitionsAssigned(Collection<TopicPartition> added) {
                    long now = System.nanoTime();
                    synchronized (LOCK) {
                        for (TopicPartition tp : added) m.owned.put(tp.partition(), now);
                        if (!added.isEmpty()) lastAssignmentChangeNs = now;
                    }
                }

                @Override public void onPartitionsRevoked(Collection<TopicPartition> removed) { drop(removed); }

                @Override public void onPartitionsLost(Collection<TopicPartition> lost) { drop(lost); }

                private void drop(Collection<TopicPartition> gone) {
                    long now = System.nanoTime();
                    synchronized (LOCK) {
                        for (TopicPartition tp : gone) m.owned.remove(tp.partition());
                        if (!gone.isEmpty()) lastAssignmentChangeNs = now;
                    }
                }
            });
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) continue;
                long now = System.nanoTime();
                synchronized (LOCK) {
                    for (TopicPartition tp : records.partitions()) {
                        long maxProduced = Long.MIN_VALUE;
                        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                            byte[] v = r.value();
                            if (v != null && v.length == Long.BYTES) maxProduced = Math.max(maxProduced, ByteBuffer.wrap(v).getLong());
                        }
                        deliveries.get(tp.partition()).add(new Batch(now, m.index, maxProduced));
                    }
                    if (m.firstRecordNs < 0) m.firstRecordNs = now;
                }
            }
        } catch (WakeupException e) {
            if (!stopping) fail("member " + m.index + ": unexpected wakeup");
        } catch (Exception e) {
            if (!stopping) fail("member " + m.index + ": " + e);
        } finally {
            if (consumer != null) {
                try {
                    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                } catch (Exception ignored) {
                    // closing after the measurement; nothing left to report
                }
            }
        }
    }

    // --- conditions (caller of waitFor polls them; each takes LOCK) ----------------------------

    static long waitFor(long deadline, String what, BooleanSupplier condition) throws Failure, InterruptedException {
        while (true) {
            if (failure != null) throw new Failure(failure);
            if (condition.getAsBoolean()) return System.nanoTime();
            if (System.nanoTime() - deadline > 0) {
                String state;
                synchronized (LOCK) { state = state(); }
                throw new Failure("timed out after 120 s waiting for " + what + "; " + state);
            }
            Thread.sleep(5);
        }
    }

    /** Owner of each partition among the first n members, -1 for none, -2 for more than one. Caller holds LOCK. */
    static int[] owners(int n) {
        int[] owner = new int[partitions];
        java.util.Arrays.fill(owner, -1);
        for (int i = 0; i < n && i < members.size(); i++) {
            for (int p : members.get(i).owned.keySet()) owner[p] = owner[p] == -1 ? i : -2;
        }
        return owner;
    }

    /** Every partition owned by exactly one of the n members (and by no other), evenly spread. Caller holds LOCK. */
    static int[] evenOwners(int n) {
        if (members.size() < n) return null;
        int[] owner = owners(members.size());
        for (int o : owner) if (o < 0 || o >= n) return null;
        int low = partitions / n, high = (partitions + n - 1) / n;
        for (int i = 0; i < n; i++) {
            int count = members.get(i).owned.size();
            if (count < low || count > high) return null;
        }
        return owner;
    }

    static boolean steady(int n) {
        synchronized (LOCK) {
            int[] owner = evenOwners(n);
            if (owner == null) return false;
            long now = System.nanoTime();
            for (int p = 0; p < partitions; p++) {
                List<Batch> list = deliveries.get(p);
                if (list.isEmpty()) return false;
                Batch last = list.get(list.size() - 1);
                if (last.member() != owner[p] || last.atNs() < members.get(owner[p]).owned.get(p)
                        || now - last.atNs() > RECENT_DELIVERY_NS) {
                    return false;
                }
            }
            return now - lastAssignmentChangeNs >= STEADY_FOR_NS;
        }
    }

    static boolean settled(int n, long t0) {
        synchronized (LOCK) {
            int[] owner = evenOwners(n);
            if (owner == null) return false;
            long[] since = new long[partitions];
            for (int p = 0; p < partitions; p++) {
                since[p] = members.get(owner[p]).owned.get(p);
                if (firstFresh(p, owner[p], since[p], t0) == null) return false;
            }
            settledOwner = owner;
            settledSince = since;
            settledAtNs = System.nanoTime();
            return true;
        }
    }

    /** First delivery of partition p to owner since it (re)acquired p, of a record produced after t0. */
    static Batch firstFresh(int p, int owner, long acquiredNs, long t0) {
        long since = Math.max(t0, acquiredNs);
        for (Batch b : deliveries.get(p)) {
            if (b.member() == owner && b.atNs() >= since && b.maxProducedNs() >= t0) return b;
        }
        return null;
    }

    // --- result -------------------------------------------------------------------------------

    static String describeAssignor(Admin admin, long deadline) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(groupId)).all()
                    .get(Math.min(10_000, remainingMs(deadline)), TimeUnit.MILLISECONDS).get(groupId);
            String a = d.partitionAssignor();
            return a == null || a.isEmpty() ? "unknown" : a;
        } catch (Exception e) {
            return "unknown";
        }
    }

    static long ms(long nanos) { return Math.round(nanos / 1e6); }

    /** Caller holds LOCK. */
    static String summary(int before, long t0, int[] ownerAtT0, Member joiner) {
        int[] finalOwner = settledOwner;
        long settledNs = settledAtNs;
        long allConsumed = 0;
        long keptMaxGap = -1;
        int kept = 0;
        for (int p = 0; p < partitions; p++) {
            Batch fresh = firstFresh(p, finalOwner[p], settledSince[p], t0);
            allConsumed = Math.max(allConsumed, fresh.atNs() - t0);
            if (ownerAtT0[p] != finalOwner[p]) continue;
            kept++;
            List<Batch> list = deliveries.get(p);
            long previous = Long.MIN_VALUE;
            for (Batch b : list) {
                if (b.atNs() > settledNs) break;
                if (b.atNs() <= t0) { previous = b.atNs(); continue; }
                if (previous != Long.MIN_VALUE) keptMaxGap = Math.max(keptMaxGap, b.atNs() - previous);
                previous = b.atNs();
            }
        }
        long steadyMaxGap = 0;
        for (int p = 0; p < partitions; p++) {
            long previous = Long.MIN_VALUE;
            for (Batch b : deliveries.get(p)) {
                if (b.atNs() > t0) break;
                if (t0 - b.atNs() > STEADY_FOR_NS) continue;
                if (previous != Long.MIN_VALUE) steadyMaxGap = Math.max(steadyMaxGap, b.atNs() - previous);
                previous = b.atNs();
            }
        }
        return String.format("REBALANCE protocol=%s partitions=%d members_before=%d all_consumed_ms=%d "
                        + "kept_partition_max_gap_ms=%s new_member_first_record_ms=%d kept_partitions=%d "
                        + "moved_partitions=%d steady_max_gap_ms=%d settled_ms=%d",
                protocol, partitions, before, ms(allConsumed),
                keptMaxGap < 0 ? "none" : Long.toString(ms(keptMaxGap)), ms(joiner.firstRecordNs - t0),
                kept, partitions - kept, ms(steadyMaxGap), ms(settledNs - t0));
    }

    /** For a timeout message: who owns how many partitions, and how long ago each partition delivered. Caller holds LOCK. */
    static String state() {
        StringBuilder sb = new StringBuilder("owned:");
        for (Member m : members) sb.append(" m").append(m.index).append('=').append(m.owned.size());
        sb.append("; last delivery ms ago:");
        long now = System.nanoTime();
        for (int p = 0; p < partitions; p++) {
            List<Batch> list = deliveries.get(p);
            sb.append(' ').append(p).append('=');
            sb.append(list.isEmpty() ? "never" : ms(now - list.get(list.size() - 1).atNs()) + "@m" + list.get(list.size() - 1).member());
        }
        return sb.toString();
    }
}
