package io.sluice.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sluice topics}: create, list, describe, alter and delete topics, like kafka-topics.sh. */
@Command(name = "topics", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Create, list, describe, alter or delete topics.")
final class TopicsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private BootstrapOption bootstrap;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Action (exactly one):%n")
    private Action action;

    static final class Action {
        @Option(names = "--create", description = "Create a topic.") boolean create;
        @Option(names = "--list", description = "List topic names.") boolean list;
        @Option(names = "--describe", description = "Describe one topic (--topic) or all.") boolean describe;
        @Option(names = "--alter", description = "Add partitions or change configs of a topic.") boolean alter;
        @Option(names = "--delete", description = "Delete a topic.") boolean delete;
    }

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The topic.")
    private String topic;

    @Option(names = "--partitions", paramLabel = "N", description = "Partition count (create: broker default if omitted).")
    private Integer partitions;

    @Option(names = "--replication-factor", paramLabel = "R", description = "Replication factor (broker default if omitted).")
    private Short replicationFactor;

    @Option(names = "--replica-assignment", paramLabel = "B1:B2,B3:B4",
            description = "With --create, or --alter with --partitions: the replicas of every partition, partitions "
                    + "separated by commas and a partition's broker ids by colons, preferred leader first.")
    private String replicaAssignment;

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "Topic config for --create or --alter (repeatable).")
    private Map<String, String> configs = new LinkedHashMap<>();

    @Option(names = "--delete-config", paramLabel = "KEY", description = "Topic config to reset to default with --alter (repeatable).")
    private List<String> deleteConfigs = new ArrayList<>();

    @Option(names = "--if-not-exists", description = "With --create: succeed if the topic already exists.")
    private boolean ifNotExists;

    @Option(names = "--exclude-internal", description = "With --list or --describe: hide internal topics.")
    private boolean excludeInternal;

    @Option(names = "--under-replicated-partitions",
            description = "With --describe: only partitions whose ISR is smaller than their replica set.")
    private boolean underReplicated;

    @Option(names = "--unavailable-partitions",
            description = "With --describe: only partitions without a leader or whose leader is not live.")
    private boolean unavailable;

    @Override
    public Integer call() {
        validate();
        try (Admin admin = AdminCalls.connect(bootstrap.servers())) {
            PrintWriter out = spec.commandLine().getOut();
            if (action.create) {
                create(admin, out);
            } else if (action.list) {
                listTopicNames(admin).forEach(out::println);
            } else if (action.describe) {
                describe(admin, out);
            } else if (action.alter) {
                alter(admin, out);
            } else {
                AdminCalls.await(admin.deleteTopics(List.of(topic)).all());
                out.println("Deleted topic " + topic + ".");
            }
            out.flush();
        } catch (UnknownTopicOrPartitionException e) {
            String what = topic != null ? "topic '" + topic + "' does not exist" : e.getMessage();
            throw new CommandFailedException(what, SluiceCommand.EXIT_FAILURE);
        }
        return SluiceCommand.EXIT_OK;
    }

    private void validate() {
        boolean needsTopic = action.create || action.alter || action.delete;
        if (needsTopic && topic == null) {
            throw usage("Missing required option: '--topic=TOPIC'");
        }
        if (action.alter && partitions == null && configs.isEmpty() && deleteConfigs.isEmpty()) {
            throw usage("--alter needs --partitions, --config or --delete-config");
        }
        if (!action.create && (replicationFactor != null || ifNotExists)) {
            throw usage("--replication-factor and --if-not-exists apply only to --create");
        }
        if (!action.alter && !deleteConfigs.isEmpty()) {
            throw usage("--delete-config applies only to --alter");
        }
        if (!(action.create || action.alter) && (partitions != null || !configs.isEmpty())) {
            throw usage("--partitions and --config apply only to --create and --alter");
        }
        if (!action.describe && (underReplicated || unavailable)) {
            throw usage("--under-replicated-partitions and --unavailable-partitions apply only to --describe");
        }
        if (underReplicated && unavailable) {
            throw usage("--under-replicated-partitions and --unavailable-partitions are mutually exclusive");
        }
        if (replicaAssignment != null) {
            if (!(action.create || (action.alter && partitions != null))) {
                throw usage("--replica-assignment applies only to --create and to --alter with --partitions");
            }
            if (action.create && (partitions != null || replicationFactor != null)) {
                throw usage("--replica-assignment cannot be used with --partitions or --replication-factor");
            }
            try {
                assignment = ReplicaAssignmentSpec.parse(replicaAssignment);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            if (action.alter && assignment.size() != partitions) {
                throw usage("--replica-assignment lists " + assignment.size() + " partition(s) but --partitions is "
                        + partitions);
            }
        }
        if (partitions != null && partitions < 1) {
            throw usage("--partitions must be at least 1");
        }
        if (replicationFactor != null && replicationFactor < 1) {
            throw usage("--replication-factor must be at least 1");
        }
    }

    /** The parsed --replica-assignment, null without one. */
    private List<List<Integer>> assignment;

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private void create(Admin admin, PrintWriter out) {
        NewTopic newTopic = assignment != null
                ? new NewTopic(topic, ReplicaAssignmentSpec.byPartition(assignment)).configs(configs)
                : new NewTopic(topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor))
                        .configs(configs);
        try {
            AdminCalls.await(admin.createTopics(List.of(newTopic)).all());
            out.println("Created topic " + topic + ".");
        } catch (TopicExistsException e) {
            if (!ifNotExists) {
                throw new CommandFailedException("topic '" + topic + "' already exists", SluiceCommand.EXIT_FAILURE);
            }
        }
    }

    private Set<String> listTopicNames(Admin admin) {
        return new TreeSet<>(AdminCalls.await(admin.listTopics(new ListTopicsOptions().listInternal(!excludeInternal)).names()));
    }

    private void describe(Admin admin, PrintWriter out) {
        Collection<String> names = topic != null ? List.of(topic) : listTopicNames(admin);
        if (names.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> descriptions = AdminCalls.await(admin.describeTopics(names).allTopicNames());
        Map<String, Map<String, String>> overrides = configOverrides(admin, names);
        Set<Integer> live = new HashSet<>();
        AdminCalls.await(admin.describeCluster().nodes()).forEach(node -> live.add(node.id()));
        PartitionFilter filter = underReplicated ? PartitionFilter.underReplicated(removingReplicas(admin, descriptions))
                : unavailable ? PartitionFilter.unavailable(live) : PartitionFilter.ALL;
        Map<TopicPartition, long[]> offsets = offsetRanges(admin, descriptions.values(), live);
        for (String name : new TreeSet<>(descriptions.keySet())) {
            TopicDescription description = descriptions.get(name);
            out.print(TopicDescriptionFormatter.format(description, overrides.getOrDefault(name, Map.of()), offsets,
                    filter));
        }
    }

    /**
     * The replicas each described partition is losing to a reassignment in progress, which kafka-topics leaves out of
     * the replica count an under-replicated partition is measured against; the topic description does not carry them.
     */
    private static Map<TopicPartition, List<Integer>> removingReplicas(Admin admin,
                                                                       Map<String, TopicDescription> descriptions) {
        Set<TopicPartition> partitions = new HashSet<>();
        descriptions.values().forEach(d -> d.partitions()
                .forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
        Map<TopicPartition, List<Integer>> removing = new HashMap<>();
        if (partitions.isEmpty()) {
            return removing;
        }
        try {
            AdminCalls.await(admin.listPartitionReassignments(partitions).reassignments())
                    .forEach((tp, reassignment) -> removing.put(tp, reassignment.removingReplicas()));
        } catch (UnsupportedVersionException e) {
            // A broker without reassignments has none in progress.
        }
        return removing;
    }

    /** Only the settings made on the topic itself, as kafka-topics shows them. */
    private static Map<String, Map<String, String>> configOverrides(Admin admin, Collection<String> names) {
        List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = AdminCalls.await(admin.describeConfigs(resources).all());
        Map<String, Map<String, String>> result = new HashMap<>();
        configs.forEach((resource, config) -> {
            Map<String, String> set = new TreeMap<>();
            for (ConfigEntry entry : config.entries()) {
                if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                    set.put(entry.name(), entry.isSensitive() ? "<hidden>" : entry.value());
                }
            }
            result.put(resource.name(), set);
        });
        return result;
    }

    /**
     * [log start offset, log end offset] per partition with a live leader; the others could only make the offset
     * lookup wait for a leader until it times out, so they show no offsets.
     */
    private static Map<TopicPartition, long[]> offsetRanges(Admin admin, Collection<TopicDescription> descriptions,
                                                            Set<Integer> live) {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription d : descriptions) {
            for (TopicPartitionInfo p : d.partitions()) {
                if (!PartitionFilter.hasLiveLeader(p, live)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(d.name(), p.partition());
                earliest.put(tp, OffsetSpec.earliest());
                latest.put(tp, OffsetSpec.latest());
            }
        }
        Map<TopicPartition, long[]> ranges = new HashMap<>();
        if (earliest.isEmpty()) {
            return ranges;
        }
        Map<TopicPartition, ListOffsetsResultInfo> starts = AdminCalls.await(admin.listOffsets(earliest).all());
        Map<TopicPartition, ListOffsetsResultInfo> ends = AdminCalls.await(admin.listOffsets(latest).all());
        starts.forEach((tp, info) -> ranges.put(tp, new long[] {info.offset(), ends.get(tp).offset()}));
        return ranges;
    }

    private void alter(Admin admin, PrintWriter out) {
        if (partitions != null) {
            NewPartitions increase = NewPartitions.increaseTo(partitions);
            if (assignment != null) {
                // As kafka-topics: the assignment lists every partition; only the new ones' replicas are sent.
                int existing = AdminCalls.await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic)
                        .partitions().size();
                increase = NewPartitions.increaseTo(partitions,
                        assignment.subList(Math.min(existing, assignment.size()), assignment.size()));
            }
            AdminCalls.await(admin.createPartitions(Map.of(topic, increase)).all());
        }
        if (!configs.isEmpty() || !deleteConfigs.isEmpty()) {
            List<AlterConfigOp> ops = new ArrayList<>();
            configs.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
            deleteConfigs.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, ""), AlterConfigOp.OpType.DELETE)));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            AdminCalls.await(admin.incrementalAlterConfigs(Map.of(resource, ops)).all());
        }
        out.println("Updated topic " + topic + ".");
    }
}
