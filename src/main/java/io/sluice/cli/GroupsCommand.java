package io.sluice.cli;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sluice groups}: list, describe, reset and delete consumer groups, like kafka-consumer-groups.sh. */
@Command(name = "groups", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List, describe, reset the offsets of, or delete consumer groups.")
final class GroupsCommand implements Callable<Integer> {
    private static final String RESET_OPTIONS = "--topic, --all-topics, --to-earliest, --to-latest, --to-offset, "
            + "--to-datetime, --shift-by, --dry-run and --execute";

    @Spec
    private CommandSpec spec;

    @Mixin
    private BootstrapOption bootstrap;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Action (exactly one):%n")
    private Action action;

    static final class Action {
        @Option(names = "--list", description = "List consumer groups.") boolean list;
        @Option(names = "--describe", description = "Describe groups: offsets and lag (default), --members or --state.") boolean describe;
        @Option(names = "--reset-offsets", description = "Move the committed offsets of an inactive group.") boolean reset;
        @Option(names = "--delete", description = "Delete groups that have no active members.") boolean delete;
    }

    @Option(names = "--group", paramLabel = "GROUP", description = "The group (repeatable for --describe and --delete).")
    private List<String> groups = new ArrayList<>();

    @Option(names = "--all-groups", description = "With --describe or --delete: every group.")
    private boolean allGroups;

    @Option(names = "--offsets", description = "With --describe: committed offsets, log end and lag per partition (default).")
    private boolean offsets;

    @Option(names = "--members", description = "With --describe: the active members.")
    private boolean members;

    @Option(names = "--state", description = "With --describe: the group's coordinator, assignor, state and size.")
    private boolean state;

    @Option(names = "--read-committed", description = "With --describe: measure lag to the last stable offset, as "
            + "a consumer with isolation.level=read_committed sees the log (records of open transactions are not lag).")
    private boolean readCommitted;

    @Option(names = "--topic", paramLabel = "TOPIC[:P,...]", description = "With --reset-offsets: the topic, or some of its partitions (repeatable).")
    private List<String> topics = new ArrayList<>();

    @Option(names = "--all-topics", description = "With --reset-offsets: every partition the group has an offset on.")
    private boolean allTopics;

    @Option(names = "--to-earliest", description = "Reset to the log start offset.")
    private boolean toEarliest;

    @Option(names = "--to-latest", description = "Reset to the log end offset.")
    private boolean toLatest;

    @Option(names = "--to-offset", paramLabel = "N", description = "Reset to offset N (kept within the log).")
    private Long toOffset;

    @Option(names = "--to-datetime", paramLabel = "DATETIME", description = "Reset to the first record at or after YYYY-MM-DDTHH:mm:SS.sss (local time unless a zone is given).")
    private String toDatetime;

    @Option(names = "--shift-by", paramLabel = "N", description = "Move the committed offsets by N (negative: back).")
    private Long shiftBy;

    @Option(names = "--dry-run", description = "Only print the new offsets (the default).")
    private boolean dryRun;

    @Option(names = "--execute", description = "Commit the new offsets.")
    private boolean execute;

    @Override
    public Integer call() {
        OffsetResetSpec resetSpec = validate();
        List<TopicPartitionsSpec> topicSpecs = parseTopics();
        try (Admin admin = AdminCalls.connect(bootstrap.servers())) {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int exitCode;
            if (action.list) {
                listGroupIds(admin).forEach(out::println);
                exitCode = SluiceCommand.EXIT_OK;
            } else if (action.describe) {
                exitCode = describe(admin, out, err);
            } else if (action.reset) {
                exitCode = reset(admin, resetSpec, topicSpecs, out, err);
            } else {
                exitCode = delete(admin, out, err);
            }
            out.flush();
            err.flush();
            return exitCode;
        }
    }

    private OffsetResetSpec validate() {
        boolean anyResetOption = !topics.isEmpty() || allTopics || toEarliest || toLatest || toOffset != null
                || toDatetime != null || shiftBy != null || dryRun || execute;
        if (!action.reset && anyResetOption) {
            throw usage(RESET_OPTIONS + " apply only to --reset-offsets");
        }
        if (!action.describe && (offsets || members || state || readCommitted)) {
            throw usage("--offsets, --members and --state apply only to --describe");
        }
        if ((offsets ? 1 : 0) + (members ? 1 : 0) + (state ? 1 : 0) > 1) {
            throw usage("only one of --offsets, --members and --state may be given");
        }
        if (allGroups && !(action.describe || action.delete)) {
            throw usage("--all-groups applies only to --describe and --delete");
        }
        if (allGroups && !groups.isEmpty()) {
            throw usage("--group and --all-groups cannot be combined");
        }
        if (action.list && !groups.isEmpty()) {
            throw usage("--group does not apply to --list");
        }
        if ((action.describe || action.delete || action.reset) && groups.isEmpty() && !allGroups) {
            throw usage("Missing required option: '--group=GROUP'");
        }
        if (!action.reset) {
            return null;
        }
        if (groups.size() > 1) {
            throw usage("--reset-offsets takes exactly one --group");
        }
        if (topics.isEmpty() == !allTopics) {
            throw usage("--reset-offsets needs either --topic or --all-topics");
        }
        if (dryRun && execute) {
            throw usage("--dry-run and --execute cannot be combined");
        }
        return resetSpec();
    }

    private OffsetResetSpec resetSpec() {
        List<OffsetResetSpec> given = new ArrayList<>();
        if (toEarliest) {
            given.add(OffsetResetSpec.earliest());
        }
        if (toLatest) {
            given.add(OffsetResetSpec.latest());
        }
        if (toOffset != null) {
            if (toOffset < 0) {
                throw usage("--to-offset must be at least 0");
            }
            given.add(OffsetResetSpec.toOffset(toOffset));
        }
        if (toDatetime != null) {
            try {
                given.add(OffsetResetSpec.toDatetime(OffsetResetSpec.parseDatetime(toDatetime, ZoneId.systemDefault())));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage() + " for option '--to-datetime'");
            }
        }
        if (shiftBy != null) {
            given.add(OffsetResetSpec.shiftBy(shiftBy));
        }
        if (given.size() != 1) {
            throw usage("--reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime and --shift-by");
        }
        return given.get(0);
    }

    private List<TopicPartitionsSpec> parseTopics() {
        List<TopicPartitionsSpec> specs = new ArrayList<>();
        for (String topic : topics) {
            try {
                specs.add(TopicPartitionsSpec.parse(topic));
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage() + " for option '--topic'");
            }
        }
        return specs;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * Consumer groups, including groups known only by their committed offsets (no protocol type yet);
     * groups of other kinds (Connect workers, share and streams groups) are left out.
     */
    private static Set<String> listGroupIds(Admin admin) {
        Collection<GroupListing> listings = AdminCalls.await(admin.listGroups().all());
        Set<String> ids = new TreeSet<>();
        for (GroupListing listing : listings) {
            boolean consumerType = listing.type().map(t -> t == GroupType.CLASSIC || t == GroupType.CONSUMER).orElse(true);
            boolean consumerProtocol = listing.protocol() == null || listing.protocol().isEmpty()
                    || listing.protocol().equals("consumer");
            if (consumerType && consumerProtocol) {
                ids.add(listing.groupId());
            }
        }
        return ids;
    }

    private Collection<String> targetGroups(Admin admin) {
        return allGroups ? listGroupIds(admin) : new ArrayList<>(new LinkedHashSet<>(groups));
    }

    private int describe(Admin admin, PrintWriter out, PrintWriter err) {
        Collection<String> ids = targetGroups(admin);
        if (ids.isEmpty()) {
            return SluiceCommand.EXIT_OK;
        }
        Map<String, ConsumerGroupDescription> descriptions = describeGroups(admin, ids);
        int exitCode = SluiceCommand.EXIT_OK;
        boolean first = true;
        for (String id : ids) {
            ConsumerGroupDescription group = descriptions.get(id);
            if (group == null || group.groupState() == GroupState.DEAD) {
                err.println("Consumer group '" + id + "' does not exist.");
                exitCode = SluiceCommand.EXIT_FAILURE;
                continue;
            }
            if (!first) {
                out.println();
            }
            first = false;
            if (state) {
                out.print(GroupDescriptionFormatter.state(group));
                continue;
            }
            if (group.members().isEmpty()) {
                out.println("Consumer group '" + id + "' has no active members.");
            }
            if (members) {
                out.print(GroupDescriptionFormatter.members(group));
            } else {
                Map<TopicPartition, Long> committed = committedOffsets(admin, id);
                Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
                partitions.addAll(GroupDescriptionFormatter.assigned(group));
                Map<TopicPartition, Long> logEnds = listOffsets(admin, partitions, OffsetSpec.latest(), false,
                        readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED);
                out.print(GroupDescriptionFormatter.offsets(GroupDescriptionFormatter.rows(group, committed, logEnds)));
            }
        }
        return exitCode;
    }

    /** The groups' descriptions; a group the coordinator does not know is left out. */
    private static Map<String, ConsumerGroupDescription> describeGroups(Admin admin, Collection<String> ids) {
        Map<String, KafkaFuture<ConsumerGroupDescription>> futures = admin.describeConsumerGroups(ids).describedGroups();
        Map<String, ConsumerGroupDescription> descriptions = new HashMap<>();
        for (String id : ids) {
            try {
                descriptions.put(id, AdminCalls.await(futures.get(id)));
            } catch (GroupIdNotFoundException e) {
                // Reported by the caller as a group that does not exist.
            }
        }
        return descriptions;
    }

    private static Map<TopicPartition, Long> committedOffsets(Admin admin, String groupId) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                AdminCalls.await(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
        Map<TopicPartition, Long> committed = new HashMap<>();
        offsets.forEach((tp, offset) -> {
            if (offset != null) {
                committed.put(tp, offset.offset());
            }
        });
        return committed;
    }

    /**
     * One ListOffsets lookup per partition set. A partition whose lookup fails (its topic was deleted,
     * say) is left out unless required, in which case the failure is the command's.
     */
    private static Map<TopicPartition, Long> listOffsets(Admin admin, Collection<TopicPartition> partitions,
                                                         OffsetSpec offsetSpec, boolean required) {
        return listOffsets(admin, partitions, offsetSpec, required, IsolationLevel.READ_UNCOMMITTED);
    }

    private static Map<TopicPartition, Long> listOffsets(Admin admin, Collection<TopicPartition> partitions,
                                                         OffsetSpec offsetSpec, boolean required,
                                                         IsolationLevel isolation) {
        Map<TopicPartition, Long> result = new HashMap<>();
        if (partitions.isEmpty()) {
            return result;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, offsetSpec));
        ListOffsetsResult listed = admin.listOffsets(request, new ListOffsetsOptions(isolation));
        for (TopicPartition tp : partitions) {
            KafkaFuture<ListOffsetsResult.ListOffsetsResultInfo> future = listed.partitionResult(tp);
            if (required) {
                result.put(tp, AdminCalls.await(future).offset());
                continue;
            }
            try {
                result.put(tp, future.get().offset());
            } catch (ExecutionException e) {
                // Shown as "-" in the table.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailedException("interrupted", 130);
            }
        }
        return result;
    }

    private int reset(Admin admin, OffsetResetSpec resetSpec, List<TopicPartitionsSpec> topicSpecs,
                      PrintWriter out, PrintWriter err) {
        String groupId = groups.get(0);
        ConsumerGroupDescription group = describeGroups(admin, List.of(groupId)).get(groupId);
        GroupState groupState = group == null ? GroupState.DEAD : group.groupState();
        if (groupState != GroupState.EMPTY && groupState != GroupState.DEAD) {
            throw new CommandFailedException("Assignments can only be reset if the group '" + groupId
                    + "' is inactive, but the current state is " + groupState + ".", SluiceCommand.EXIT_FAILURE);
        }
        Map<TopicPartition, Long> committed = committedOffsets(admin, groupId);
        List<TopicPartition> partitions = allTopics
                ? new ArrayList<>(committed.keySet())
                : partitionsOf(admin, topicSpecs);
        Map<TopicPartition, Long> earliest = listOffsets(admin, partitions, OffsetSpec.earliest(), true);
        Map<TopicPartition, Long> latest = listOffsets(admin, partitions, OffsetSpec.latest(), true);
        Map<TopicPartition, Long> byTime = resetSpec.kind() == OffsetResetSpec.Kind.DATETIME
                ? listOffsets(admin, partitions, OffsetSpec.forTimestamp(resetSpec.value()), true)
                : Map.of();
        Map<TopicPartition, OffsetResetPlanner.PartitionOffsets> known = new HashMap<>();
        for (TopicPartition tp : partitions) {
            known.put(tp, new OffsetResetPlanner.PartitionOffsets(earliest.get(tp), latest.get(tp),
                    committed.get(tp), byTime.get(tp)));
        }
        Map<TopicPartition, Long> plan = OffsetResetPlanner.plan(resetSpec, partitions, known);
        if (execute) {
            Map<TopicPartition, OffsetAndMetadata> commits = new LinkedHashMap<>();
            plan.forEach((tp, offset) -> commits.put(tp, new OffsetAndMetadata(offset)));
            AdminCalls.await(admin.alterConsumerGroupOffsets(groupId, commits).all());
        } else if (!dryRun) {
            err.println("WARN: No action will be performed as the --execute option is missing. "
                    + "Add --dry-run to keep this behaviour without the warning.");
        }
        out.print(GroupDescriptionFormatter.resetPlan(groupId, plan));
        return SluiceCommand.EXIT_OK;
    }

    private static List<TopicPartition> partitionsOf(Admin admin, List<TopicPartitionsSpec> specs) {
        Set<String> wholeTopics = specs.stream().filter(TopicPartitionsSpec::allPartitions)
                .map(TopicPartitionsSpec::topic).collect(Collectors.toCollection(TreeSet::new));
        Map<String, TopicDescription> described;
        try {
            described = wholeTopics.isEmpty() ? Map.of() : AdminCalls.await(admin.describeTopics(wholeTopics).allTopicNames());
        } catch (UnknownTopicOrPartitionException e) {
            throw new CommandFailedException("topic does not exist: " + e.getMessage(), SluiceCommand.EXIT_FAILURE);
        }
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        for (TopicPartitionsSpec topicSpec : specs) {
            if (topicSpec.allPartitions()) {
                for (TopicPartitionInfo p : described.get(topicSpec.topic()).partitions()) {
                    partitions.add(new TopicPartition(topicSpec.topic(), p.partition()));
                }
            } else {
                topicSpec.partitions().forEach(p -> partitions.add(new TopicPartition(topicSpec.topic(), p)));
            }
        }
        return List.copyOf(partitions);
    }

    private int delete(Admin admin, PrintWriter out, PrintWriter err) {
        Collection<String> ids = targetGroups(admin);
        if (ids.isEmpty()) {
            return SluiceCommand.EXIT_OK;
        }
        Map<String, KafkaFuture<Void>> results = admin.deleteConsumerGroups(ids).deletedGroups();
        List<String> deleted = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (String id : ids) {
            try {
                results.get(id).get();
                deleted.add(id);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                failed.put(id, cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommandFailedException("interrupted", 130);
            }
        }
        if (!deleted.isEmpty()) {
            out.println("Deletion of requested consumer groups (" + quoted(deleted) + ") was successful.");
        }
        if (failed.isEmpty()) {
            return SluiceCommand.EXIT_OK;
        }
        err.println("Deletion of some consumer groups failed:");
        failed.forEach((id, reason) -> err.println("* Group '" + id + "' could not be deleted due to: " + reason));
        return SluiceCommand.EXIT_FAILURE;
    }

    private static String quoted(List<String> ids) {
        return ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
    }
}
