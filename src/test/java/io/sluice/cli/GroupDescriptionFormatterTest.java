package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class GroupDescriptionFormatterTest {
    private static final TopicPartition ORDERS_0 = new TopicPartition("orders", 0);
    private static final TopicPartition ORDERS_1 = new TopicPartition("orders", 1);
    private static final TopicPartition AUDIT_0 = new TopicPartition("audit", 0);

    private static ConsumerGroupDescription group(GroupState state, MemberDescription... members) {
        return new ConsumerGroupDescription("billing", false, List.of(members), "range", GroupType.CLASSIC, state,
                new Node(1, "localhost", 9092), Set.of(), Optional.empty(), Optional.empty());
    }

    private static MemberDescription member(String id, TopicPartition... assigned) {
        return new MemberDescription(id, Optional.empty(), "client-" + id, "/127.0.0.1",
                new MemberAssignment(Set.of(assigned)));
    }

    @Test
    void offsetsTableIsAlignedSortedAndEndsWithTheTotalLag() {
        List<GroupOffsetRow> rows = List.of(
                new GroupOffsetRow("billing", ORDERS_1, 5L, 47L, "c-1", "/127.0.0.1", "client-c-1"),
                new GroupOffsetRow("billing", ORDERS_0, 100L, 100L, "c-1", "/127.0.0.1", "client-c-1"),
                new GroupOffsetRow("billing", AUDIT_0, null, 12L, null, null, null));

        String text = GroupDescriptionFormatter.offsets(rows);

        assertThat(text).isEqualTo(
                "GROUP   TOPIC  PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST       CLIENT-ID\n"
                + "billing audit  0         -              12             -   -           -          -\n"
                + "billing orders 0         100            100            0   c-1         /127.0.0.1 client-c-1\n"
                + "billing orders 1         5              47             42  c-1         /127.0.0.1 client-c-1\n"
                + "TOTAL LAG: 42\n");
    }

    @Test
    void lagIsNeverNegativeAndUnknownWithoutALogEnd() {
        assertThat(new GroupOffsetRow("g", ORDERS_0, 50L, 40L, null, null, null).lag()).isZero();
        assertThat(new GroupOffsetRow("g", ORDERS_0, 50L, null, null, null, null).lag()).isNull();
    }

    @Test
    void anEmptyGroupHasAHeaderAndZeroLag() {
        assertThat(GroupDescriptionFormatter.offsets(List.of())).isEqualTo(
                "GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID\nTOTAL LAG: 0\n");
    }

    @Test
    void rowsCoverAssignedPartitionsAndCommittedOnesWithoutAMember() {
        ConsumerGroupDescription group = group(GroupState.STABLE, member("c-1", ORDERS_0, ORDERS_1));
        Map<TopicPartition, Long> committed = Map.of(ORDERS_0, 10L, AUDIT_0, 3L);
        Map<TopicPartition, Long> logEnds = Map.of(ORDERS_0, 15L, ORDERS_1, 7L, AUDIT_0, 3L);

        List<GroupOffsetRow> rows = GroupDescriptionFormatter.rows(group, committed, logEnds);

        assertThat(rows).containsExactlyInAnyOrder(
                new GroupOffsetRow("billing", ORDERS_0, 10L, 15L, "c-1", "/127.0.0.1", "client-c-1"),
                new GroupOffsetRow("billing", ORDERS_1, null, 7L, "c-1", "/127.0.0.1", "client-c-1"),
                new GroupOffsetRow("billing", AUDIT_0, 3L, 3L, null, null, null));
        assertThat(GroupDescriptionFormatter.offsets(rows)).endsWith("TOTAL LAG: 5\n");
    }

    @Test
    void membersShowTheirPartitionCount() {
        String text = GroupDescriptionFormatter.members(group(GroupState.STABLE,
                member("c-2", AUDIT_0), member("c-1", ORDERS_0, ORDERS_1)));

        assertThat(text).isEqualTo(
                "GROUP   CONSUMER-ID HOST       CLIENT-ID  #PARTITIONS\n"
                + "billing c-1         /127.0.0.1 client-c-1 2\n"
                + "billing c-2         /127.0.0.1 client-c-2 1\n");
    }

    @Test
    void stateShowsCoordinatorAssignorStateAndSize() {
        String text = GroupDescriptionFormatter.state(group(GroupState.STABLE, member("c-1", ORDERS_0)));

        assertThat(text).isEqualTo(
                "GROUP   COORDINATOR (ID)   ASSIGNMENT-STRATEGY STATE  #MEMBERS\n"
                + "billing localhost:9092 (1) range               Stable 1\n");
    }

    @Test
    void resetPlanListsNewOffsetsByTopicAndPartition() {
        Map<TopicPartition, Long> plan = new LinkedHashMap<>();
        plan.put(ORDERS_1, 7L);
        plan.put(ORDERS_0, 0L);

        assertThat(GroupDescriptionFormatter.resetPlan("billing", plan)).isEqualTo(
                "GROUP   TOPIC  PARTITION NEW-OFFSET\n"
                + "billing orders 0         0\n"
                + "billing orders 1         7\n");
    }
}
