package io.sluice.group.consumer.assignor;

import static io.sluice.group.consumer.assignor.AssignorFixtures.T1;
import static io.sluice.group.consumer.assignor.AssignorFixtures.T2;
import static io.sluice.group.consumer.assignor.AssignorFixtures.T3;
import static io.sluice.group.consumer.assignor.AssignorFixtures.assertValid;
import static io.sluice.group.consumer.assignor.AssignorFixtures.partitions;
import static io.sluice.group.consumer.assignor.AssignorFixtures.range;
import static io.sluice.group.consumer.assignor.AssignorFixtures.size;
import static io.sluice.group.consumer.assignor.AssignorFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.consumer.assignor.PartitionAssignor.AssignmentSpec;
import io.sluice.group.consumer.assignor.PartitionAssignor.MemberSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class RangeAssignorTest {
    private final RangeAssignor assignor = new RangeAssignor();

    private Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec) {
        Map<String, Map<Uuid, Set<Integer>>> assignment = assignor.assign(spec);
        assertValid(spec, assignment);
        return assignment;
    }

    @Test
    void isNamedRange() {
        assertThat(assignor.name()).isEqualTo("range");
    }

    @Test
    void anEmptyGroupGetsAnEmptyAssignment() {
        assertThat(assignor.assign(spec().topic(T1, 3).build())).isEmpty();
    }

    @Test
    void eachMemberGetsAContiguousRangeAndTheFirstOnesTheExtraPartitions() {
        var assignment = assign(spec().topic(T1, 10)
                .member("d", T1).member("c", T1).member("b", T1).member("a", T1).build());

        assertThat(assignment).isEqualTo(Map.of(
                "a", Map.of(T1, range(0, 3)),
                "b", Map.of(T1, range(3, 6)),
                "c", Map.of(T1, range(6, 8)),
                "d", Map.of(T1, range(8, 10))));
    }

    @Test
    void membersSubscribedToTheSameTopicsGetTheSamePartitionNumbers() {
        var assignment = assign(spec().topic(T1, 3).topic(T2, 3).member("m0", T1, T2).member("m1", T1, T2).build());

        assertThat(assignment.get("m0")).isEqualTo(Map.of(T1, partitions(0, 1), T2, partitions(0, 1)));
        assertThat(assignment.get("m1")).isEqualTo(Map.of(T1, partitions(2), T2, partitions(2)));
    }

    @Test
    void coPartitioningHoldsBesideMembersOfOtherTopics() {
        var assignment = assign(spec().topic(T1, 5).topic(T2, 5).topic(T3, 2)
                .member("a", T1, T2).member("b", T1, T2).member("c", T3).build());

        assertThat(assignment.get("a")).isEqualTo(Map.of(T1, range(0, 3), T2, range(0, 3)));
        assertThat(assignment.get("b")).isEqualTo(Map.of(T1, range(3, 5), T2, range(3, 5)));
        assertThat(assignment.get("c")).isEqualTo(Map.of(T3, range(0, 2)));
    }

    @Test
    void eachTopicIsSplitAmongItsOwnSubscribers() {
        var assignment = assign(spec().topic(T1, 4).topic(T2, 3).member("a", T1, T2).member("b", T1).build());

        assertThat(assignment.get("a")).isEqualTo(Map.of(T1, range(0, 2), T2, range(0, 3)));
        assertThat(assignment.get("b")).isEqualTo(Map.of(T1, range(2, 4)));
    }

    @Test
    void staticMembersComeFirstInInstanceIdOrder() {
        var spec = spec().topic(T1, 3)
                .member("a", null, null, Set.of(T1), Map.of())
                .member("b", null, "i2", Set.of(T1), Map.of())
                .member("c", null, "i1", Set.of(T1), Map.of())
                .build();

        var assignment = assign(spec);

        assertThat(assignment.get("c")).isEqualTo(Map.of(T1, partitions(0)));
        assertThat(assignment.get("b")).isEqualTo(Map.of(T1, partitions(1)));
        assertThat(assignment.get("a")).isEqualTo(Map.of(T1, partitions(2)));
    }

    @Test
    void aStaticMemberRejoiningUnderANewMemberIdKeepsItsRanges() {
        var before = assign(spec().topic(T1, 4)
                .member("x1", null, "i1", Set.of(T1), Map.of())
                .member("x2", null, "i2", Set.of(T1), Map.of()).build());

        var after = assign(spec().topic(T1, 4)
                .member("z9", null, "i1", Set.of(T1), Map.of())
                .member("x2", null, "i2", Set.of(T1), before.get("x2")).build());

        assertThat(after.get("z9")).isEqualTo(before.get("x1"));
        assertThat(after.get("x2")).isEqualTo(before.get("x2"));
    }

    @Test
    void theCurrentAssignmentDoesNotChangeTheRanges() {
        var fresh = assign(spec().topic(T1, 6).member("a", T1).member("b", T1).member("c", T1).build());

        var withCurrent = assign(spec().topic(T1, 6)
                .member("a", Set.of(T1), Map.of(T1, range(4, 6)))
                .member("b", Set.of(T1), Map.of(T1, range(0, 4)))
                .member("c", T1).build());

        assertThat(withCurrent).isEqualTo(fresh);
    }

    @Test
    void membersBeyondThePartitionCountGetNothing() {
        var assignment = assign(spec().topic(T1, 2).member("a", T1).member("b", T1).member("c", T1).build());

        assertThat(assignment.get("c")).isEmpty();
    }

    @Test
    void unsubscribedTopicsAndMembersWithoutSubscriptionsGetNothing() {
        var assignment = assign(spec().topic(T1, 2).topic(T2, 2).member("a", T1).member("idle").build());

        assertThat(assignment).isEqualTo(Map.of("a", Map.of(T1, range(0, 2)), "idle", Map.of()));
    }

    @Test
    void theOrderMembersAreGivenInDoesNotMatter() {
        var spec = spec().topic(T1, 7).topic(T2, 5).member("q", T1, T2).member("e", T1).member("w", T2)
                .member("r", null, "static", Set.of(T1, T2), Map.of()).build();
        var reversed = new LinkedHashMap<String, MemberSpec>();
        new TreeMap<>(spec.members()).descendingMap().forEach(reversed::put);

        assertThat(assign(new AssignmentSpec(reversed, spec.topics()))).isEqualTo(assign(spec));
    }

    @Test
    void aThousandMembersShareTwoThousandPartitionsTopicByTopic() {
        var spec = spec();
        Uuid[] topics = new Uuid[20];
        for (int t = 0; t < topics.length; t++) {
            topics[t] = AssignorFixtures.topicId(100 + t);
            spec.topic(topics[t], 100);
        }
        for (int m = 0; m < 1000; m++) {
            spec.member(String.format("member-%04d", m), topics);
        }

        var assignment = assign(spec.build());

        // Range balances each topic, not the totals: the first hundred members get one partition of each topic.
        assertThat(size(assignment, "member-0000")).isEqualTo(20);
        assertThat(assignment.get("member-0099")).containsOnlyKeys(topics)
                .allSatisfy((topic, partitions) -> assertThat(partitions).containsExactly(99));
        assertThat(assignment.get("member-0100")).isEmpty();
    }
}
