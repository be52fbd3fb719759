package io.sluice.it.cluster;

import static io.sluice.it.cluster.PartitionView.describe;
import static io.sluice.it.cluster.PartitionView.isrIds;
import static io.sluice.it.cluster.PartitionView.leaderId;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.Clients;
import io.sluice.it.Poll;
import io.sluice.it.SluiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower that was leader with unreplicated records truncates them after it rejoins. Three broker processes
 * replicate a topic (RF 3, min.insync.replicas=1). Both followers are killed, so the leader alone takes acks=1
 * records and, with the metadata quorum gone, cannot shrink the ISR; then the leader is killed too. The followers
 * come back and one of them is elected cleanly from the unchanged ISR in a new leader epoch, taking acks=all records
 * at the offsets the old leader had used. The old leader restarts as a follower, learns from the DivergingEpoch of
 * its first fetch where its epoch ends on the new leader, drops its divergent tail and copies the new records. Its
 * log files then hold exactly the new leader's batches, and once it leads again (the new leader stops cleanly and
 * hands over to the preferred replica) consumers read the new records and none of the divergent ones.
 */
class DivergentFollowerIntegrationTest {
    private static final String TOPIC = "diverging";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int REPLICATED = 200;
    private static final int DIVERGENT = 150;
    private static final int AFTER_FAILOVER = 100;
    private static final Pattern TRUNCATION = Pattern.compile(TOPIC + "-0 diverged from leader (\\d+): .* removed (\\d+) offsets");

    @TempDir
    Path dir;
    private List<SluiceProcess> nodes = List.of();

    @AfterEach
    void stopCluster() {
        nodes.forEach(SluiceProcess::close);
    }

    private static List<RecordMetadata> produce(String bootstrap, String acks, String prefix, int from, int count)
            throws Exception {
        return Clients.produceNumbered(bootstrap, acks, PARTITION, prefix, from, count);
    }

    private Path partitionDir(SluiceProcess node) {
        return dir.resolve("node-" + node.nodeId()).resolve("logs").resolve(TOPIC + "-0");
    }

    /** Every whole batch in the partition's segment files: base offset, last offset, leader epoch and CRC. */
    private List<String> batches(SluiceProcess node) {
        List<String> result = new ArrayList<>();
        try (Stream<Path> files = Files.list(partitionDir(node))) {
            for (Path segment : files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList()) {
                MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(segment)));
                for (RecordBatch batch : records.batches()) {
                    result.add(batch.baseOffset() + "-" + batch.lastOffset() + "@" + batch.partitionLeaderEpoch()
                            + "#" + batch.checksum());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    private static long recordCount(List<String> batches) {
        long count = 0;
        for (String batch : batches) {
            String[] range = batch.substring(0, batch.indexOf('@')).split("-");
            count += Long.parseLong(range[1]) - Long.parseLong(range[0]) + 1;
        }
        return count;
    }

    /** The offsets the broker's own log says it removed from the partition when it found it had diverged. */
    private static long truncatedOffsets(SluiceProcess node) throws IOException {
        long removed = 0;
        for (Path file : List.of(node.stdoutFile(), node.stderrFile())) {
            Matcher matcher = TRUNCATION.matcher(Files.readString(file, StandardCharsets.UTF_8));
            while (matcher.find()) {
                removed += Long.parseLong(matcher.group(2));
            }
        }
        return removed;
    }

    @Test
    void aFollowerThatWasLeaderWithUnreplicatedRecordsTruncatesThemAfterItRejoins() throws Exception {
        nodes = SluiceProcess.startCluster(dir, 3, Map.of(
                "broker.session.timeout.ms", "6000",
                // Longer than the follower outage: the leader never even asks to shrink the ISR.
                "replica.lag.time.max.ms", "60000",
                "offsets.topic.num.partitions", "1"));
        TopicPartitionInfo initial = PartitionView.createFullyReplicated(nodes, TOPIC);
        SluiceProcess oldLeader = nodes.get(leaderId(initial) - 1);
        // The first replica leads first and is the one a clean hand-over prefers later.
        assertThat(initial.replicas().get(0).id()).isEqualTo(oldLeader.nodeId());
        List<SluiceProcess> followers = nodes.stream().filter(n -> n != oldLeader).toList();
        String all = nodes.stream().map(SluiceProcess::bootstrap).collect(Collectors.joining(","));

        List<RecordMetadata> replicated = produce(all, "all", "v-", 0, REPLICATED);
        assertThat(replicated.get(REPLICATED - 1).offset()).isEqualTo(REPLICATED - 1);

        followers.forEach(SluiceProcess::kill9);
        List<RecordMetadata> divergent = produce(oldLeader.bootstrap(), "1", "divergent-", REPLICATED, DIVERGENT);
        assertThat(divergent.get(0).offset()).isEqualTo(REPLICATED);
        assertThat(divergent.get(DIVERGENT - 1).offset()).isEqualTo(REPLICATED + DIVERGENT - 1);
        oldLeader.kill9();
        long oldLeaderRecords = recordCount(batches(oldLeader));
        assertThat(oldLeaderRecords).isEqualTo(REPLICATED + DIVERGENT);

        followers.forEach(SluiceProcess::restartInBackground);
        followers.forEach(SluiceProcess::awaitReady);
        Poll.until(WAIT, () -> {
            TopicPartitionInfo info = describe(followers.get(0), TOPIC);
            return followers.stream().anyMatch(f -> f.nodeId() == leaderId(info))
                    && !isrIds(info).contains(oldLeader.nodeId());
        }, "a new leader among the restarted followers, without broker " + oldLeader.nodeId());
        SluiceProcess newLeader = nodes.get(leaderId(describe(followers.get(0), TOPIC)) - 1);
        String survivors = followers.stream().map(SluiceProcess::bootstrap).collect(Collectors.joining(","));

        List<RecordMetadata> afterFailover = produce(survivors, "all", "w-", REPLICATED, AFTER_FAILOVER);
        // The new leader never had the divergent records: its records take their offsets.
        assertThat(afterFailover.get(0).offset()).isEqualTo(REPLICATED);

        oldLeader.restart();
        Poll.until(WAIT, () -> isrIds(describe(newLeader, TOPIC)).size() == 3,
                "broker " + oldLeader.nodeId() + " back in the ISR");
        List<String> expected = batches(newLeader);
        assertThat(recordCount(expected)).isEqualTo(REPLICATED + AFTER_FAILOVER);
        Poll.until(WAIT, () -> batches(oldLeader).equals(expected), "the old leader's log to match the new leader's");
        long truncated = truncatedOffsets(oldLeader);
        assertThat(truncated).isEqualTo(DIVERGENT);

        // A clean stop hands leadership to the first live ISR member in replica order: the old leader, unless a
        // heartbeat lapse on this busy machine briefly fenced it; then the other follower leads and stops too.
        newLeader.close();
        Poll.until(WAIT, () -> {
            TopicPartitionInfo info = describe(oldLeader, TOPIC);
            return leaderId(info) > 0 && leaderId(info) != newLeader.nodeId() && isrIds(info).contains(oldLeader.nodeId());
        }, "a leader other than the stopped one, with the old leader in the ISR");
        int handedTo = leaderId(describe(oldLeader, TOPIC));
        if (handedTo != oldLeader.nodeId()) {
            nodes.get(handedTo - 1).close();
        }
        Poll.until(WAIT, () -> leaderId(describe(oldLeader, TOPIC)) == oldLeader.nodeId(),
                "the old leader to lead again");
        String remaining = nodes.stream().filter(SluiceProcess::isAlive).map(SluiceProcess::bootstrap)
                .collect(Collectors.joining(","));
        List<ConsumerRecord<String, String>> consumed = Clients.readFromBeginning(remaining, List.of(PARTITION),
                REPLICATED + AFTER_FAILOVER, WAIT);
        for (int i = 0; i < consumed.size(); i++) {
            assertThat(consumed.get(i).offset()).isEqualTo(i);
            assertThat(consumed.get(i).value()).isEqualTo((i < REPLICATED ? "v-" : "w-") + i);
        }
        System.out.printf("divergence: written divergently=%d, truncated=%d, old leader records before=%d after=%d,"
                        + " consumed afterwards=%d, batches=%d, first hand-over to %d%n", divergent.size(), truncated,
                oldLeaderRecords, recordCount(batches(oldLeader)), consumed.size(), expected.size(), handedTo);
    }
}
