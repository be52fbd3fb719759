package io.sluice.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice transactions}: list and describe transactions, show a partition's producers, find hanging
 * transactions and abort one, like kafka-transactions.sh (whose list, describe, describe-producers, find-hanging and
 * abort are the actions here).
 */
@Command(name = "transactions", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List, describe, find hanging or abort transactions.")
final class TransactionsCommand implements Callable<Integer> {
    /** Kafka's transaction.max.timeout.ms default: an open transaction older than this is hanging. */
    private static final long DEFAULT_MAX_TRANSACTION_TIMEOUT_MS = 900_000;

    @Spec
    private CommandSpec spec;

    @Mixin
    private BootstrapOption bootstrap;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Action (exactly one):%n")
    private Action action;

    static final class Action {
        @Option(names = "--list", description = "List the transactional ids and their states.") boolean list;
        @Option(names = "--describe", description = "Describe the transaction of --transactional-id.") boolean describe;
        @Option(names = "--describe-producers", description = "The producers of --topic --partition and their open transactions.") boolean describeProducers;
        @Option(names = "--find-hanging", description = "Open transactions their coordinator does not know of (all partitions, or --topic [--partition]).") boolean findHanging;
        @Option(names = "--abort", description = "Abort the hanging transaction of --topic --partition that starts at --start-offset.") boolean abort;
    }

    @Option(names = "--transactional-id", paramLabel = "ID", description = "With --describe: the transactional id.")
    private String transactionalId;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "With --describe-producers, --find-hanging or --abort.")
    private String topic;

    @Option(names = "--partition", paramLabel = "P", description = "With --topic: the partition.")
    private Integer partition;

    @Option(names = "--start-offset", paramLabel = "OFFSET", description = "With --abort: where the transaction starts.")
    private Long startOffset;

    @Option(names = "--max-transaction-timeout", paramLabel = "MS", defaultValue = "900000",
            description = "With --find-hanging: transactions open longer than this are hanging (default: ${DEFAULT-VALUE}).")
    private long maxTransactionTimeoutMs = DEFAULT_MAX_TRANSACTION_TIMEOUT_MS;

    @Override
    public Integer call() {
        validate();
        try (Admin admin = AdminCalls.connect(bootstrap.servers())) {
            PrintWriter out = spec.commandLine().getOut();
            int exitCode = SluiceCommand.EXIT_OK;
            if (action.list) {
                list(admin, out);
            } else if (action.describe) {
                describe(admin, out);
            } else if (action.describeProducers) {
                describeProducers(admin, out);
            } else if (action.findHanging) {
                findHanging(admin, out);
            } else {
                exitCode = abort(admin, out);
            }
            out.flush();
            return exitCode;
        }
    }

    private void validate() {
        if (action.describe && transactionalId == null) {
            throw usage("--describe needs --transactional-id");
        }
        if ((action.describeProducers || action.abort) && (topic == null || partition == null)) {
            throw usage((action.abort ? "--abort" : "--describe-producers") + " needs --topic and --partition");
        }
        if (action.abort && startOffset == null) {
            throw usage("--abort needs --start-offset (see --find-hanging)");
        }
        if (partition != null && topic == null) {
            throw usage("--partition needs --topic");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static void list(Admin admin, PrintWriter out) {
        Collection<TransactionListing> listings = AdminCalls.await(admin.listTransactions(new ListTransactionsOptions())
                .all());
        TextTable table = new TextTable("TransactionalId", "ProducerId", "TransactionState");
        listings.stream().sorted((a, b) -> a.transactionalId().compareTo(b.transactionalId()))
                .forEach(l -> table.row(l.transactionalId(), l.producerId(), l.state()));
        out.print(table.render());
    }

    private void describe(Admin admin, PrintWriter out) {
        TransactionDescription description;
        try {
            description = AdminCalls.await(admin.describeTransactions(List.of(transactionalId))
                    .description(transactionalId));
        } catch (TransactionalIdNotFoundException e) {
            throw new CommandFailedException("transactional id '" + transactionalId + "' is not known to its "
                    + "coordinator; --list shows the known ones", 1);
        }
        long now = System.currentTimeMillis();
        OptionalOrDash start = new OptionalOrDash(description.transactionStartTimeMs().isPresent()
                ? description.transactionStartTimeMs().getAsLong() : null);
        TextTable table = new TextTable("CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch",
                "TransactionState", "TransactionTimeoutMs", "CurrentTransactionStartTimeMs", "TransactionDurationMs",
                "TopicPartitions");
        table.row(description.coordinatorId(), transactionalId, description.producerId(), description.producerEpoch(),
                description.state(), description.transactionTimeoutMs(), start,
                start.value == null ? null : now - start.value,
                description.topicPartitions().stream().map(TopicPartition::toString).sorted()
                        .collect(Collectors.joining(",")));
        out.print(table.render());
    }

    /** A nullable number printed as "-" when absent. */
    private record OptionalOrDash(Long value) {
        @Override
        public String toString() {
            return value == null ? "-" : value.toString();
        }
    }

    private void describeProducers(Admin admin, PrintWriter out) {
        TopicPartition tp = new TopicPartition(topic, partition);
        List<ProducerState> producers = AdminCalls.await(admin.describeProducers(List.of(tp)).partitionResult(tp))
                .activeProducers();
        TextTable table = new TextTable("ProducerId", "ProducerEpoch", "LatestCoordinatorEpoch", "LastSequence",
                "LastTimestamp", "CurrentTransactionStartOffset");
        for (ProducerState producer : producers) {
            table.row(producer.producerId(), producer.producerEpoch(),
                    producer.coordinatorEpoch().isPresent() ? producer.coordinatorEpoch().getAsInt() : null,
                    producer.lastSequence(), producer.lastTimestamp(),
                    producer.currentTransactionStartOffset().isPresent()
                            ? producer.currentTransactionStartOffset().getAsLong() : null);
        }
        out.print(table.render());
    }

    /** An open transaction on one partition, as DescribeProducers shows it. */
    private record OpenTransaction(TopicPartition partition, ProducerState producer) {
    }

    /**
     * As kafka-transactions.sh does: open transactions older than the maximum timeout whose producer's coordinator
     * either does not know the producer, or does not count the partition in its current transaction.
     */
    private void findHanging(Admin admin, PrintWriter out) {
        List<OpenTransaction> old = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (TopicPartition tp : partitionsToSearch(admin)) {
            for (ProducerState producer : AdminCalls.await(admin.describeProducers(List.of(tp)).partitionResult(tp))
                    .activeProducers()) {
                if (producer.currentTransactionStartOffset().isPresent()
                        && now - producer.lastTimestamp() >= maxTransactionTimeoutMs) {
                    old.add(new OpenTransaction(tp, producer));
                }
            }
        }
        Map<Long, String> idByProducer = new HashMap<>();
        if (!old.isEmpty()) {
            ListTransactionsOptions options = new ListTransactionsOptions().filterProducerIds(
                    old.stream().map(o -> o.producer().producerId()).collect(Collectors.toSet()));
            AdminCalls.await(admin.listTransactions(options).all())
                    .forEach(l -> idByProducer.put(l.producerId(), l.transactionalId()));
        }
        TextTable table = new TextTable("Topic", "Partition", "ProducerId", "ProducerEpoch", "CoordinatorEpoch",
                "StartOffset", "LastTimestamp", "Duration(min)");
        for (OpenTransaction open : old) {
            if (!isHanging(admin, open, idByProducer.get(open.producer().producerId()))) {
                continue;
            }
            ProducerState producer = open.producer();
            table.row(open.partition().topic(), open.partition().partition(), producer.producerId(),
                    producer.producerEpoch(), producer.coordinatorEpoch().isPresent()
                            ? producer.coordinatorEpoch().getAsInt() : null,
                    producer.currentTransactionStartOffset().getAsLong(), producer.lastTimestamp(),
                    (now - producer.lastTimestamp()) / 60_000);
        }
        out.print(table.render());
    }

    private static boolean isHanging(Admin admin, OpenTransaction open, String transactionalId) {
        if (transactionalId == null) {
            return true;
        }
        try {
            TransactionDescription description = AdminCalls.await(admin.describeTransactions(List.of(transactionalId))
                    .description(transactionalId));
            return description.producerId() != open.producer().producerId()
                    || description.state() != TransactionState.ONGOING
                    || !description.topicPartitions().contains(open.partition());
        } catch (TransactionalIdNotFoundException e) {
            return true;
        }
    }

    private List<TopicPartition> partitionsToSearch(Admin admin) {
        if (topic != null && partition != null) {
            return List.of(new TopicPartition(topic, partition));
        }
        Collection<String> names = topic != null ? List.of(topic) : AdminCalls.await(admin.listTopics().names());
        Map<String, TopicDescription> topics = AdminCalls.await(admin.describeTopics(names).allTopicNames());
        List<TopicPartition> partitions = new ArrayList<>();
        topics.values().forEach(t -> t.partitions().forEach(p -> partitions.add(new TopicPartition(t.name(),
                p.partition()))));
        return partitions;
    }

    /** Aborts the transaction open at --start-offset on the partition, with the marker its coordinator would write. */
    private int abort(Admin admin, PrintWriter out) {
        TopicPartition tp = new TopicPartition(topic, partition);
        Optional<ProducerState> producer = AdminCalls.await(admin.describeProducers(List.of(tp)).partitionResult(tp))
                .activeProducers().stream()
                .filter(p -> p.currentTransactionStartOffset().isPresent()
                        && p.currentTransactionStartOffset().getAsLong() == startOffset)
                .findFirst();
        if (producer.isEmpty()) {
            throw new CommandFailedException("no open transaction of " + tp + " starts at offset " + startOffset
                    + "; --describe-producers shows the open ones", 1);
        }
        ProducerState state = producer.get();
        AdminCalls.await(admin.abortTransaction(new AbortTransactionSpec(tp, state.producerId(),
                (short) state.producerEpoch(), state.coordinatorEpoch().orElse(0))).all());
        out.println("Aborted the transaction of producer " + state.producerId() + " on " + tp + " that started at offset "
                + startOffset);
        return SluiceCommand.EXIT_OK;
    }
}
