package io.sluice.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.Node;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice share-groups}: list, describe and delete KIP-932 share groups, like kafka-share-groups.sh (its
 * offsets actions come with the share-group offsets APIs).
 */
@Command(name = "share-groups", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List, describe or delete share groups (KIP-932).")
final class ShareGroupsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private BootstrapOption bootstrap;

    @ArgGroup(exclusive = true, multiplicity = "1", heading = "Action (exactly one):%n")
    private Action action;

    static final class Action {
        @Option(names = "--list", description = "List share groups.") boolean list;
        @Option(names = "--describe", description = "Describe groups: their members (default) or --state.") boolean describe;
        @Option(names = "--delete", description = "Delete share groups that have no members.") boolean delete;
    }

    @Option(names = "--group", paramLabel = "GROUP", description = "The group (repeatable for --describe and --delete).")
    private List<String> groups = new ArrayList<>();

    @Option(names = "--members", description = "With --describe: the members and their assignments (default).")
    private boolean members;

    @Option(names = "--state", description = "With --describe: the group's coordinator, state, epoch and size.")
    private boolean state;

    @Override
    public Integer call() {
        if (!action.describe && (members || state)) {
            throw usage("--members and --state apply only to --describe");
        }
        if (members && state) {
            throw usage("only one of --members and --state may be given");
        }
        if (action.list && !groups.isEmpty()) {
            throw usage("--group does not apply to --list");
        }
        if (!action.list && groups.isEmpty()) {
            throw usage("--group is required with --describe and --delete");
        }
        try (Admin admin = AdminCalls.connect(bootstrap.servers())) {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (action.list) {
                TreeSet<String> ids = new TreeSet<>();
                for (GroupListing listing : AdminCalls.await(admin.listGroups(ListGroupsOptions.forShareGroups())
                        .all())) {
                    ids.add(listing.groupId());
                }
                ids.forEach(out::println);
                return SluiceCommand.EXIT_OK;
            }
            if (action.delete) {
                AdminCalls.await(admin.deleteShareGroups(groups).all());
                groups.forEach(group -> out.println("Share group '" + group + "' deleted."));
                return SluiceCommand.EXIT_OK;
            }
            return describe(admin, out, err);
        }
    }

    private int describe(Admin admin, PrintWriter out, PrintWriter err) {
        Map<String, ShareGroupDescription> described = AdminCalls.await(admin.describeShareGroups(groups).all());
        int exitCode = SluiceCommand.EXIT_OK;
        for (String id : groups) {
            ShareGroupDescription group = described.get(id);
            if (group == null || group.groupState() == GroupState.DEAD) {
                err.println("Share group '" + id + "' does not exist.");
                exitCode = SluiceCommand.EXIT_FAILURE;
                continue;
            }
            out.print(state ? stateTable(group) : membersTable(group));
        }
        return exitCode;
    }

    static String stateTable(ShareGroupDescription group) {
        Node coordinator = group.coordinator();
        String coordinatorText = coordinator == null ? null
                : coordinator.host() + ":" + coordinator.port() + " (" + coordinator.idString() + ")";
        return new TextTable("GROUP", "COORDINATOR (ID)", "STATE", "GROUP-EPOCH", "#MEMBERS")
                .row(group.groupId(), coordinatorText, group.groupState(), group.groupEpoch(), group.members().size())
                .render();
    }

    static String membersTable(ShareGroupDescription group) {
        TextTable table = new TextTable("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "MEMBER-EPOCH",
                "ASSIGNMENT");
        group.members().stream().sorted(Comparator.comparing(ShareMemberDescription::consumerId)).forEach(member ->
                table.row(group.groupId(), member.consumerId(), member.host(), member.clientId(),
                        member.assignment().topicPartitions().size(), member.memberEpoch(),
                        GroupDescriptionFormatter.partitionsText(member.assignment().topicPartitions())));
        return table.render();
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
