package io.sluice.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/** Renders consumer groups in kafka-consumer-groups.sh's layouts. */
final class GroupDescriptionFormatter {
    private static final Comparator<TopicPartition> BY_TOPIC_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private GroupDescriptionFormatter() {
    }

    /** The offsets table, sorted by topic and partition, then the group's total lag over the partitions whose lag is known. */
    static String offsets(List<GroupOffsetRow> rows) {
        TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                "CONSUMER-ID", "HOST", "CLIENT-ID");
        long totalLag = 0;
        List<GroupOffsetRow> sorted = rows.stream()
                .sorted(Comparator.comparing(GroupOffsetRow::partition, BY_TOPIC_PARTITION)).toList();
        for (GroupOffsetRow row : sorted) {
            Long lag = row.lag();
            if (lag != null) {
                totalLag += lag;
            }
            table.row(row.group(), row.partition().topic(), row.partition().partition(), row.currentOffset(),
                    row.logEndOffset(), lag, row.consumerId(), row.host(), row.clientId());
        }
        return table.render() + "TOTAL LAG: " + totalLag + "\n";
    }

    /**
     * One line per member with how many partitions it is assigned; for a KIP-848 group also its instance id, epoch,
     * and current and target assignments (as kafka-consumer-groups.sh --members --verbose shows them).
     */
    static String members(ConsumerGroupDescription group) {
        boolean consumerType = group.type() == GroupType.CONSUMER;
        TextTable table = consumerType
                ? new TextTable("GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS",
                        "CURRENT-EPOCH", "CURRENT-ASSIGNMENT", "TARGET-ASSIGNMENT")
                : new TextTable("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS");
        group.members().stream().sorted(Comparator.comparing(MemberDescription::consumerId)).forEach(member -> {
            if (consumerType) {
                table.row(group.groupId(), member.consumerId(), member.groupInstanceId().orElse(null), member.host(),
                        member.clientId(), member.assignment().topicPartitions().size(),
                        member.memberEpoch().map(String::valueOf).orElse(null),
                        partitionsText(member.assignment().topicPartitions()),
                        member.targetAssignment().map(a -> partitionsText(a.topicPartitions())).orElse(null));
            } else {
                table.row(group.groupId(), member.consumerId(), member.host(), member.clientId(),
                        member.assignment().topicPartitions().size());
            }
        });
        return table.render();
    }

    /** topic:0,1,2;other:0 in the style of kafka-consumer-groups.sh, "-" for none. */
    static String partitionsText(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return "-";
        }
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        List<String> topics = new ArrayList<>();
        byTopic.forEach((topic, numbers) -> topics.add(topic + ":" + numbers.stream().sorted()
                .map(String::valueOf).collect(Collectors.joining(","))));
        return String.join(";", topics);
    }

    static String state(ConsumerGroupDescription group) {
        Node coordinator = group.coordinator();
        String coordinatorText = coordinator == null ? null
                : coordinator.host() + ":" + coordinator.port() + " (" + coordinator.idString() + ")";
        String assignor = group.partitionAssignor() == null || group.partitionAssignor().isEmpty()
                ? null : group.partitionAssignor();
        if (group.type() == GroupType.CONSUMER) {
            return new TextTable("GROUP", "COORDINATOR (ID)", "TYPE", "ASSIGNMENT-STRATEGY", "STATE", "GROUP-EPOCH",
                    "TARGET-ASSIGNMENT-EPOCH", "#MEMBERS")
                    .row(group.groupId(), coordinatorText, "consumer", assignor, group.groupState(),
                            group.groupEpoch().map(String::valueOf).orElse(null),
                            group.targetAssignmentEpoch().map(String::valueOf).orElse(null), group.members().size())
                    .render();
        }
        return new TextTable("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS")
                .row(group.groupId(), coordinatorText, assignor, group.groupState(), group.members().size())
                .render();
    }

    /** The outcome (or, for a dry run, the plan) of a reset. */
    static String resetPlan(String group, Map<TopicPartition, Long> newOffsets) {
        TextTable table = new TextTable("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
        newOffsets.keySet().stream().sorted(BY_TOPIC_PARTITION).forEach(tp ->
                table.row(group, tp.topic(), tp.partition(), newOffsets.get(tp)));
        return table.render();
    }

    /** Rows for every partition assigned to a member or holding a committed offset. */
    static List<GroupOffsetRow> rows(ConsumerGroupDescription group, Map<TopicPartition, Long> committed,
                                     Map<TopicPartition, Long> logEnds) {
        Map<TopicPartition, GroupOffsetRow> rows = new HashMap<>();
        for (MemberDescription member : group.members()) {
            for (TopicPartition tp : member.assignment().topicPartitions()) {
                rows.put(tp, new GroupOffsetRow(group.groupId(), tp, committed.get(tp), logEnds.get(tp),
                        member.consumerId(), member.host(), member.clientId()));
            }
        }
        committed.forEach((tp, offset) -> rows.putIfAbsent(tp,
                new GroupOffsetRow(group.groupId(), tp, offset, logEnds.get(tp), null, null, null)));
        return List.copyOf(rows.values());
    }

    /** Every partition the description's members are assigned. */
    static Collection<TopicPartition> assigned(ConsumerGroupDescription group) {
        return group.members().stream().flatMap(m -> m.assignment().topicPartitions().stream()).toList();
    }
}
