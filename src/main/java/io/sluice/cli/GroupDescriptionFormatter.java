package io.sluice.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
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

    /** One line per member with how many partitions it is assigned. */
    static String members(ConsumerGroupDescription group) {
        TextTable table = new TextTable("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS");
        group.members().stream().sorted(Comparator.comparing(MemberDescription::consumerId)).forEach(member ->
                table.row(group.groupId(), member.consumerId(), member.host(), member.clientId(),
                        member.assignment().topicPartitions().size()));
        return table.render();
    }

    static String state(ConsumerGroupDescription group) {
        Node coordinator = group.coordinator();
        String coordinatorText = coordinator == null ? null
                : coordinator.host() + ":" + coordinator.port() + " (" + coordinator.idString() + ")";
        String assignor = group.partitionAssignor() == null || group.partitionAssignor().isEmpty()
                ? null : group.partitionAssignor();
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
