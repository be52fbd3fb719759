package io.sluice.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sluice consume}: prints a topic's records, like kafka-console-consumer.sh. */
@Command(name = "consume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print records of a topic, one per line. Without --group every partition is read directly.",
                "Properties: print.key, print.partition, print.offset, print.timestamp, print.headers,",
                "print.value, key.separator (\\t), line.separator, headers.separator, headers.key.separator, null.literal."})
final class ConsumeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private BootstrapOption bootstrap;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Topic to read.")
    private String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offset instead of the end.")
    private boolean fromBeginning;

    @Option(names = "--max-messages", paramLabel = "N", description = "Exit after N records.")
    private Long maxMessages;

    @Option(names = "--partition", paramLabel = "P", description = "Read only this partition.")
    private Integer partition;

    @Option(names = "--offset", paramLabel = "O|earliest|latest", description = "Where to start (a number needs --partition; default: latest).")
    private String offset;

    @Option(names = "--group", paramLabel = "GROUP", description = "Consume as a member of this group (subscribe).")
    private String group;

    @Option(names = "--timeout-ms", paramLabel = "MS", description = "Exit after MS milliseconds without a record.")
    private Long timeoutMs;

    @Option(names = "--property", paramLabel = "KEY=VALUE", description = "Formatter property (repeatable).")
    private Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = "--consumer-property", paramLabel = "KEY=VALUE", description = "Consumer client property (repeatable).")
    private Map<String, String> consumerProperties = new LinkedHashMap<>();

    @Override
    public Integer call() {
        StartPosition start = startPosition();
        ConsoleConsumeLoop loop = new ConsoleConsumeLoop(maxMessages, timeoutMs, ConsoleRecordFormatter.fromProperties(properties));
        List<TopicPartition> partitions;
        if (group == null) {
            partitions = partitionsToRead();
        } else {
            // subscribe() would wait silently for a broker that is not there; fail fast instead.
            AdminCalls.checkReachable(bootstrap.servers());
            partitions = List.of();
        }

        Map<String, String> clientProps = new LinkedHashMap<>();
        clientProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, start.isEarliest() ? "earliest" : "latest");
        if (group != null) {
            clientProps.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        } else {
            clientProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        }
        clientProps.putAll(consumerProperties);

        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch finished = new CountDownLatch(1);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ClientSettings.consumer(bootstrap.servers(), clientProps))) {
            Thread hook = new Thread(() -> {
                consumer.wakeup();
                awaitQuietly(finished);
            }, "sluice-consume-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                if (group != null) {
                    consumer.subscribe(List.of(topic));
                } else {
                    consumer.assign(partitions);
                    start.seek(consumer, partitions);
                }
                loop.run(consumer, out);
            } catch (WakeupException e) {
                // Ctrl-C: stop quietly and report what was printed.
            } finally {
                out.flush();
                removeHook(hook);
            }
        } finally {
            spec.commandLine().getErr().println("Processed a total of " + loop.printed() + " messages");
            spec.commandLine().getErr().flush();
            // Last: on Ctrl-C the JVM halts as soon as the shutdown hook stops waiting for this.
            finished.countDown();
        }
        return SluiceCommand.EXIT_OK;
    }

    private StartPosition startPosition() {
        if (group != null && partition != null) {
            throw usage("--partition cannot be combined with --group");
        }
        if (fromBeginning && offset != null) {
            throw usage("--from-beginning cannot be combined with --offset");
        }
        if (maxMessages != null && maxMessages < 1) {
            throw usage("--max-messages must be at least 1");
        }
        if (timeoutMs != null && timeoutMs < 0) {
            throw usage("--timeout-ms must not be negative");
        }
        StartPosition start;
        try {
            start = fromBeginning ? StartPosition.parse("earliest") : StartPosition.parse(offset == null ? "latest" : offset);
        } catch (IllegalArgumentException e) {
            throw usage("Invalid value '" + offset + "' for option '--offset': expected a non-negative number, earliest or latest");
        }
        if (start.isExact() && partition == null) {
            throw usage("--offset with a number needs --partition");
        }
        if (start.isExact() && group != null) {
            throw usage("--offset with a number cannot be combined with --group");
        }
        return start;
    }

    /** Every partition of the topic, or just --partition; also proves the broker is reachable. */
    private List<TopicPartition> partitionsToRead() {
        TopicDescription description;
        try (Admin admin = AdminCalls.connect(bootstrap.servers())) {
            description = AdminCalls.await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
        } catch (UnknownTopicOrPartitionException e) {
            throw new CommandFailedException("topic '" + topic + "' does not exist", SluiceCommand.EXIT_FAILURE);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicPartitionInfo info : description.partitions()) {
            if (partition == null || partition == info.partition()) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        if (partitions.isEmpty()) {
            throw new CommandFailedException("topic '" + topic + "' has no partition " + partition, SluiceCommand.EXIT_FAILURE);
        }
        return partitions;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and waits for us.
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
