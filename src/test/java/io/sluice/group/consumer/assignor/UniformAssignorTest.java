package io.sluice.group.consumer.assignor;

import io.sluice.group.consumer.Assignments;
import static io.sluice.group.consumer.assignor.AssignorFixtures.T1;
import static io.sluice.group.consumer.assignor.AssignorFixtures.T2;
import static io.sluice.group.consumer.assignor.AssignorFixtures.T3;
import static io.sluice.group.consumer.assignor.AssignorFixtures.assertNoImprovingChain;
import static io.sluice.group.consumer.assignor.AssignorFixtures.assertValid;
import static io.sluice.group.consumer.assignor.AssignorFixtures.moved;
import static io.sluice.group.consumer.assignor.AssignorFixtures.partitions;
import static io.sluice.group.consumer.assignor.AssignorFixtures.range;
import static io.sluice.group.consumer.assignor.AssignorFixtures.size;
import static io.sluice.group.consumer.assignor.AssignorFixtures.sizes;
import static io.sluice.group.consumer.assignor.AssignorFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.group.consumer.assignor.AssignorFixtures.Spec;
import io.sluice.group.consumer.assignor.PartitionAssignor.AssignmentSpec;
import io.sluice.group.consumer.assignor.PartitionAssignor.MemberSpec;
import io.sluice.group.consumer.assignor.PartitionAssignor.TopicSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UniformAssignorTest {
    private final UniformAssignor assignor = new UniformAssignor();

    private Map<String, Map<Uuid, Set<Integer>>> assign(AssignmentSpec spec) {
        Map<String, Map<Uuid, Set<Integer>>> assignment = assignor.assign(spec);
        assertValid(spec, assignment);
        return assignment;
    }

    private static Map<Integer, Set<String>> racks(String... perPartition) {
        Map<Integer, Set<String>> racks = new HashMap<>();
        for (int p = 0; p < perPartition.length; p++) {
            racks.put(p, Set.of(perPartition[p].split(",")));
        }
        return racks;
    }

    private static Spec racked(Spec spec, String memberId, String rack, Map<Uuid, Set<Integer>> current) {
        return spec.member(memberId, rack, null, Set.of(T1), current);
    }

    @Test
    void isNamedUniform() {
        assertThat(assignor.name()).isEqualTo("uniform");
    }

    @Test
    void anEmptyGroupGetsAnEmptyAssignment() {
        assertThat(assignor.assign(spec().topic(T1, 3).build())).isEmpty();
    }

    @Nested
    class Balance {
        @Test
        void oneTopicIsSplitEvenly() {
            var assignment = assign(spec().topic(T1, 10).member("a", T1).member("b", T1).member("c", T1).build());

            assertThat(sizes(assignment)).containsExactlyInAnyOrder(4, 3, 3);
        }

        @Test
        void countsAreEvenOverAllTopicsNotPerTopic() {
            var spec = spec().topic(T1, 7).topic(T2, 3).topic(T3, 1);
            for (String id : List.of("a", "b", "c", "d", "e")) {
                spec.member(id, T1, T2, T3);
            }

            assertThat(sizes(assign(spec.build()))).containsExactlyInAnyOrder(3, 2, 2, 2, 2);
        }

        @Test
        void moreMembersThanPartitionsLeavesSomeEmpty() {
            var assignment = assign(spec().topic(T1, 2).member("a", T1).member("b", T1).member("c", T1).build());

            assertThat(sizes(assignment)).containsExactlyInAnyOrder(1, 1, 0);
            assertThat(assignment.values()).contains(Map.of());
        }

        @Test
        void aTopicNobodySubscribesToIsNotAssigned() {
            var assignment = assign(spec().topic(T1, 4).topic(T2, 5).member("a", T1).member("b", T1).build());

            assertThat(assignment.values()).allSatisfy(partitions -> assertThat(partitions).doesNotContainKey(T2));
            assertThat(sizes(assignment)).containsExactly(2, 2);
        }

        @Test
        void aMemberWithoutSubscriptionsGetsNothingAndDoesNotCount() {
            var assignment = assign(spec().topic(T1, 4).member("a", T1).member("b", T1).member("idle").build());

            assertThat(assignment.get("idle")).isEmpty();
            assertThat(size(assignment, "a")).isEqualTo(2);
            assertThat(size(assignment, "b")).isEqualTo(2);
        }

        @Test
        void aSubscriptionToATopicMissingFromTheSpecIsIgnored() {
            var assignment = assignor.assign(spec().topic(T1, 3).member("a", T1, T2).build());

            assertThat(assignment).isEqualTo(Map.of("a", Map.of(T1, range(0, 3))));
        }
    }

    @Nested
    class HeterogeneousSubscriptions {
        @Test
        void overlappingSubscriptionsAreBalancedAcrossTopics() {
            var spec = spec().topic(T1, 6).topic(T2, 6).member("a", T1).member("b", T1, T2).member("c", T2).build();

            var assignment = assign(spec);

            assertThat(sizes(assignment)).containsExactly(4, 4, 4);
            assertNoImprovingChain(spec, assignment);
        }

        @Test
        void membersWithTheSameSubscriptionsDifferByAtMostOne() {
            var spec = spec().topic(T1, 2).topic(T2, 10)
                    .member("a", T1).member("b", T1, T2).member("c", T1, T2).build();

            var assignment = assign(spec);

            // a can only take T1; it takes all of it, and b and c split the rest.
            assertThat(assignment.get("a")).isEqualTo(Map.of(T1, range(0, 2)));
            assertThat(sizes(assignment)).containsExactly(2, 5, 5);
        }

        @Test
        void aChainOfMembersEvensOutWhatNoDirectMoveCan() {
            // T1: a and b; T2: b and c. Each topic's subscribers differ by one, yet c could relieve a through b.
            var spec = spec().topic(T1, 19).topic(T2, 11)
                    .member("a", Set.of(T1), Map.of(T1, range(0, 9)))
                    .member("b", Set.of(T1, T2), Map.of(T1, range(9, 19)))
                    .member("c", Set.of(T2), Map.of(T2, range(0, 11)))
                    .build();
            var before = Map.of("a", Map.of(T1, range(0, 9)), "b", Map.of(T1, range(9, 19)),
                    "c", Map.of(T2, range(0, 11)));

            var assignment = assign(spec);

            assertThat(sizes(assignment)).containsExactly(10, 10, 10);
            assertThat(moved(before, assignment)).isEqualTo(2);
        }

        @Test
        void randomSubscriptionsAreAsBalancedAsTheyAllow() {
            Random random = new Random(11);
            for (int trial = 0; trial < 200; trial++) {
                var spec = randomHeterogeneousSpec(random, 1 + random.nextInt(12), 1 + random.nextInt(5));
                var first = assign(spec.build());
                assertNoImprovingChain(spec.build(), first);

                reshuffleSubscriptions(random, spec);
                var next = spec.withCurrent(first).build();
                var second = assign(next);
                assertNoImprovingChain(next, second);
                assertThat(assign(spec.withCurrent(second).build())).as("a balanced assignment is kept")
                        .isEqualTo(second);
            }
        }
    }

    @Nested
    class Stickiness {
        @Test
        void aJoiningMemberTakesOnlyWhatBalanceNeeds() {
            var spec = spec().topic(T1, 12).member("a", T1).member("b", T1).member("c", T1);
            var before = assign(spec.build());

            var after = assign(spec.member("d", T1).withCurrent(before).build());

            assertThat(sizes(after)).containsExactly(3, 3, 3, 3);
            assertThat(moved(before, after)).isEqualTo(3);
            for (String id : List.of("a", "b", "c")) {
                assertThat(before.get(id).get(T1)).containsAll(after.get(id).get(T1));
            }
        }

        @Test
        void aJoiningMemberTakesOneWhenOneMemberHadAnExtra() {
            var spec = spec().topic(T1, 7).member("a", T1).member("b", T1).member("c", T1);
            var before = assign(spec.build());

            var after = assign(spec.member("d", T1).withCurrent(before).build());

            assertThat(sizes(after)).containsExactlyInAnyOrder(2, 2, 2, 1);
            assertThat(moved(before, after)).isEqualTo(1);
        }

        @Test
        void aLeavingMembersPartitionsAreTheOnlyOnesThatMove() {
            var spec = spec().topic(T1, 12).member("a", T1).member("b", T1).member("c", T1).member("d", T1);
            var before = assign(spec.build());

            var after = assign(spec.without("d").withCurrent(before).build());

            assertThat(sizes(after)).containsExactly(4, 4, 4);
            assertThat(moved(before, after)).isEqualTo(size(before, "d"));
            for (String id : List.of("a", "b", "c")) {
                assertThat(after.get(id).get(T1)).containsAll(before.get(id).get(T1));
            }
        }

        @Test
        void anUnsubscribingMembersPartitionsOfThatTopicAreTheOnlyOnesThatMove() {
            var spec = spec().topic(T1, 6).topic(T2, 3)
                    .member("a", T1).member("b", T1).member("c", T1, T2);
            var before = assign(spec.build());

            var after = assign(spec.member("c", Set.of(T2), before.get("c")).withCurrent(before).build());

            assertThat(after.get("c")).isEqualTo(Map.of(T2, range(0, 3)));
            assertThat(after.get("a").get(T1)).containsAll(before.get("a").get(T1));
            assertThat(after.get("b").get(T1)).containsAll(before.get("b").get(T1));
            assertThat(sizes(after)).containsExactly(3, 3, 3);
        }

        @Test
        void newPartitionsGoToTheMembersWithoutMovingOldOnes() {
            var before = assign(spec().topic(T1, 4).member("a", T1).member("b", T1).build());

            var after = assign(spec().topic(T1, 8).member("a", T1).member("b", T1).withCurrent(before).build());

            assertThat(sizes(after)).containsExactly(4, 4);
            assertThat(moved(before, after)).isZero();
            assertThat(after.get("a").get(T1)).containsAll(before.get("a").get(T1));
        }

        @Test
        void aBalancedAssignmentIsKeptAsItIs() {
            var spec = spec().topic(T1, 5).topic(T2, 4).member("a", T1, T2).member("b", T1, T2).member("c", T2);
            var first = assign(spec.build());

            assertThat(assign(spec.withCurrent(first).build())).isEqualTo(first);
        }

        @Test
        void partitionsThatNoLongerExistAreDropped() {
            var spec = spec().topic(T1, 4)
                    .member("a", Set.of(T1), Map.of(T1, partitions(0, 1, 7), T3, partitions(0)))
                    .member("b", Set.of(T1), Map.of(T1, partitions(2, 3)))
                    .build();

            var assignment = assign(spec);

            assertThat(assignment.get("a")).isEqualTo(Map.of(T1, partitions(0, 1)));
            assertThat(assignment.get("b")).isEqualTo(Map.of(T1, partitions(2, 3)));
        }

        @Test
        void aPartitionTwoMembersClaimStaysWithTheFirstByMemberId() {
            var spec = spec().topic(T1, 4)
                    .member("b", Set.of(T1), Map.of(T1, partitions(0, 1)))
                    .member("a", Set.of(T1), Map.of(T1, partitions(0)))
                    .build();

            var assignment = assign(spec);

            assertThat(assignment.get("a").get(T1)).contains(0);
            assertThat(assignment.get("b").get(T1)).contains(1);
        }

        @Test
        void randomHomogeneousGroupsKeepAsMuchAsBalanceAllows() {
            Random random = new Random(5);
            for (int trial = 0; trial < 300; trial++) {
                List<Uuid> topics = List.of(T1, T2, T3).subList(0, 1 + random.nextInt(3));
                var spec = spec();
                topics.forEach(t -> spec.topic(t, random.nextInt(20)));
                List<String> members = memberIds(random, 1 + random.nextInt(10));
                members.forEach(id -> spec.member(id, topics.toArray(Uuid[]::new)));
                var before = assign(spec.build());

                members.stream().filter(id -> random.nextInt(4) == 0).forEach(spec::without);
                memberIds(random, random.nextInt(4)).forEach(id -> spec.member(id, topics.toArray(Uuid[]::new)));
                topics.stream().filter(t -> random.nextBoolean())
                        .forEach(t -> spec.topic(t, spec.build().topics().get(t).numPartitions() + random.nextInt(5)));
                var next = spec.withCurrent(before).build();
                var after = assign(next);

                assertThat(kept(next, after)).as("trial %d", trial).isEqualTo(mostKeepable(next));
                List<Integer> counts = sizes(after);
                if (!counts.isEmpty()) {
                    assertThat(Collections.max(counts) - Collections.min(counts)).isLessThanOrEqualTo(1);
                }
            }
        }

        /** Partitions each member has in both its current assignment and the new one. */
        private static int kept(AssignmentSpec spec, Map<String, Map<Uuid, Set<Integer>>> assignment) {
            int kept = 0;
            for (var member : spec.members().entrySet()) {
                kept += Assignments.size(Assignments.intersection(member.getValue().currentAssignment(),
                        assignment.get(member.getKey())));
            }
            return kept;
        }

        /**
         * With everyone subscribed alike: the members holding the most keep up to quota + 1, as many as there are
         * extra partitions, and the others up to the quota.
         */
        private static int mostKeepable(AssignmentSpec spec) {
            int total = spec.topics().values().stream().mapToInt(t -> t.numPartitions()).sum();
            int members = spec.members().size();
            List<Integer> holdings = spec.members().values().stream()
                    .map(m -> Assignments.size(m.currentAssignment()))
                    .sorted(Collections.reverseOrder()).toList();
            int keepable = 0;
            for (int i = 0; i < members; i++) {
                int quota = total / members + (i < total % members ? 1 : 0);
                keepable += Math.min(holdings.get(i), quota);
            }
            return keepable;
        }
    }

    @Nested
    class RackPreference {
        @Test
        void freshMembersGetThePartitionsOfTheirRack() {
            var spec = spec().topic(T1, 4, racks("r1", "r1", "r2", "r2"));
            racked(spec, "a", "r2", Map.of());
            racked(spec, "b", "r1", Map.of());

            var assignment = assign(spec.build());

            assertThat(assignment.get("a")).isEqualTo(Map.of(T1, partitions(2, 3)));
            assertThat(assignment.get("b")).isEqualTo(Map.of(T1, partitions(0, 1)));
        }

        @Test
        void balanceComesBeforeRacks() {
            var spec = spec().topic(T1, 4, racks("r1", "r1", "r1", "r1"));
            racked(spec, "a", "r1", Map.of());
            racked(spec, "b", "r2", Map.of());

            assertThat(sizes(assign(spec.build()))).containsExactly(2, 2);
        }

        @Test
        void stickinessComesBeforeRacks() {
            var spec = spec().topic(T1, 4, racks("r1", "r1", "r2", "r2"));
            racked(spec, "a", "r1", Map.of(T1, partitions(2, 3)));
            racked(spec, "b", "r2", Map.of(T1, partitions(0, 1)));

            var assignment = assign(spec.build());

            assertThat(assignment.get("a")).isEqualTo(Map.of(T1, partitions(2, 3)));
            assertThat(assignment.get("b")).isEqualTo(Map.of(T1, partitions(0, 1)));
        }

        @Test
        void aGiverGivesUpItsRemotePartitionsToAReceiverInTheirRack() {
            var spec = spec().topic(T1, 6, racks("r2", "r1", "r2", "r1", "r2", "r1"));
            racked(spec, "a", "r1", Map.of(T1, range(0, 6)));
            racked(spec, "b", "r2", Map.of());

            var assignment = assign(spec.build());

            assertThat(assignment.get("a")).isEqualTo(Map.of(T1, partitions(1, 3, 5)));
            assertThat(assignment.get("b")).isEqualTo(Map.of(T1, partitions(0, 2, 4)));
        }

        @Test
        void betweenEquallyLoadedMembersTheOneInThePartitionsRackWins() {
            var spec = spec().topic(T1, 1, racks("r2"));
            racked(spec, "a", "r1", Map.of());
            racked(spec, "b", "r2", Map.of());

            var assignment = assign(spec.build());

            assertThat(assignment.get("b")).isEqualTo(Map.of(T1, partitions(0)));
            assertThat(assignment.get("a")).isEmpty();
        }

        @Test
        void partitionsWithFewerRacksArePlacedFirst() {
            var spec = spec().topic(T1, 2, racks("r1,r2", "r1"));
            racked(spec, "a", "r1", Map.of());
            racked(spec, "b", "r2", Map.of());

            var assignment = assign(spec.build());

            assertThat(assignment.get("a")).isEqualTo(Map.of(T1, partitions(1)));
            assertThat(assignment.get("b")).isEqualTo(Map.of(T1, partitions(0)));
        }

        @Test
        void aMemberWithoutARackTakesWhatTheRackedOnesLeave() {
            var spec = spec().topic(T1, 4, racks("r2", "r2", "r1", "r1"));
            racked(spec, "a", "r1", Map.of());
            racked(spec, "b", null, Map.of());

            var assignment = assign(spec.build());

            assertThat(assignment.get("a")).isEqualTo(Map.of(T1, partitions(2, 3)));
            assertThat(assignment.get("b")).isEqualTo(Map.of(T1, partitions(0, 1)));
        }

        @Test
        void racksNeverCostBalance() {
            Random random = new Random(3);
            List<String> rackNames = List.of("r1", "r2", "r3");
            for (int trial = 0; trial < 200; trial++) {
                var spec = randomHeterogeneousSpec(random, 1 + random.nextInt(10), 1 + random.nextInt(4));
                var unracked = assign(spec.build());
                var racked = withRandomRacks(random, spec.build(), rackNames);

                var assignment = assign(racked);

                assertNoImprovingChain(racked, assignment);
                assertThat(sizes(assignment).stream().mapToInt(Integer::intValue).map(n -> n * n).sum())
                        .as("sum of squared loads").isEqualTo(sizes(unracked).stream().mapToInt(n -> n * n).sum());
            }
        }
    }

    @Nested
    class Determinism {
        @Test
        void theOrderMembersAndTopicsAreGivenInDoesNotMatter() {
            Random random = new Random(17);
            for (int trial = 0; trial < 50; trial++) {
                var spec = randomHeterogeneousSpec(random, 2 + random.nextInt(8), 1 + random.nextInt(4)).build();
                var reversed = new LinkedHashMap<String, MemberSpec>();
                new TreeMap<>(spec.members()).descendingMap().forEach(reversed::put);
                var shuffled = new AssignmentSpec(reversed, new TreeMap<>(spec.topics()));

                assertThat(assign(shuffled)).isEqualTo(assign(spec));
            }
        }

        @Test
        void repeatedRunsAgree() {
            var spec = randomHeterogeneousSpec(new Random(23), 30, 5).build();

            assertThat(assign(spec)).isEqualTo(assign(spec));
        }
    }

    @Nested
    class Scale {
        private static final int MEMBERS = 1000;

        private Spec homogeneous(int topics, int partitionsPerTopic) {
            var spec = spec();
            Uuid[] ids = new Uuid[topics];
            for (int t = 0; t < topics; t++) {
                ids[t] = AssignorFixtures.topicId(100 + t);
                spec.topic(ids[t], partitionsPerTopic);
            }
            for (int m = 0; m < MEMBERS; m++) {
                spec.member(String.format("member-%04d", m), ids);
            }
            return spec;
        }

        @Test
        void aThousandMembersShareTwoThousandPartitions() {
            var spec = homogeneous(20, 100);
            var first = assign(spec.build());
            assertThat(sizes(first)).containsOnly(2);

            var after = assign(spec.without("member-0500").member("new-1", topicsOf(spec)).member("new-2",
                    topicsOf(spec)).withCurrent(first).build());

            assertThat(moved(first, after)).isEqualTo(2);
            assertThat(size(after, "new-1")).isEqualTo(1);
            assertThat(size(after, "new-2")).isEqualTo(1);
            assertThat(sizes(after).stream().filter(n -> n == 2).count()).isEqualTo(MEMBERS - 1);
        }

        @Test
        void aThousandMembersShareTwoThousandSinglePartitionTopics() {
            var spec = homogeneous(2000, 1);

            assertThat(sizes(assign(spec.build()))).containsOnly(2);
        }

        @Test
        void aThousandMembersWithMixedSubscriptionsAreBalancedAndStayBalanced() {
            Random random = new Random(29);
            var spec = spec();
            List<Uuid> topics = new ArrayList<>();
            for (int t = 0; t < 40; t++) {
                topics.add(AssignorFixtures.topicId(100 + t));
                spec.topic(topics.get(t), 50);
            }
            for (int m = 0; m < MEMBERS; m++) {
                spec.member(String.format("member-%04d", m), randomSubset(random, topics, 3 + random.nextInt(6)));
            }
            var first = assign(spec.build());
            assertNoImprovingChain(spec.build(), first);

            for (int m = 0; m < MEMBERS; m += 20) {
                spec.member(String.format("member-%04d", m), randomSubset(random, topics, 3 + random.nextInt(6)));
            }
            var next = spec.withCurrent(first).build();
            var second = assign(next);

            assertNoImprovingChain(next, second);
        }

        private static Uuid[] topicsOf(Spec spec) {
            return spec.build().topics().keySet().toArray(Uuid[]::new);
        }
    }

    // Random specs for the property tests.

    private static List<String> memberIds(Random random, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add("m-" + Integer.toHexString(random.nextInt()));
        }
        return ids;
    }

    private static Uuid[] randomSubset(Random random, List<Uuid> topics, int size) {
        List<Uuid> shuffled = new ArrayList<>(topics);
        Collections.shuffle(shuffled, random);
        return shuffled.subList(0, Math.min(size, shuffled.size())).toArray(Uuid[]::new);
    }

    private static Spec randomHeterogeneousSpec(Random random, int members, int topicCount) {
        var spec = spec();
        List<Uuid> topics = new ArrayList<>();
        for (int t = 0; t < topicCount; t++) {
            topics.add(AssignorFixtures.topicId(10 + t));
            spec.topic(topics.get(t), random.nextInt(16));
        }
        for (String id : memberIds(random, members)) {
            spec.member(id, randomSubset(random, topics, random.nextInt(topicCount + 1)));
        }
        return spec;
    }

    /** Some members change subscriptions, one may leave, one may join. */
    private static void reshuffleSubscriptions(Random random, Spec spec) {
        AssignmentSpec built = spec.build();
        List<Uuid> topics = new ArrayList<>(new TreeSet<>(built.topics().keySet()));
        List<String> members = new ArrayList<>(new TreeSet<>(built.members().keySet()));
        for (String id : members) {
            if (random.nextInt(4) == 0) {
                spec.member(id, Set.of(randomSubset(random, topics, random.nextInt(topics.size() + 1))), Map.of());
            }
        }
        if (random.nextBoolean() && !members.isEmpty()) {
            spec.without(members.get(random.nextInt(members.size())));
        }
        if (random.nextBoolean()) {
            spec.member("joiner", randomSubset(random, topics, 1 + random.nextInt(topics.size())));
        }
    }

    private static AssignmentSpec withRandomRacks(Random random, AssignmentSpec spec, List<String> rackNames) {
        Map<String, MemberSpec> members = new HashMap<>();
        spec.members().forEach((id, m) -> members.put(id, new MemberSpec(
                rackNames.get(random.nextInt(rackNames.size())), m.instanceId(), m.subscribedTopics(),
                m.currentAssignment())));
        Map<Uuid, TopicSpec> topics = new HashMap<>();
        spec.topics().forEach((id, t) -> {
            Map<Integer, Set<String>> racks = new HashMap<>();
            for (int p = 0; p < t.numPartitions(); p++) {
                List<String> shuffled = new ArrayList<>(rackNames);
                Collections.shuffle(shuffled, random);
                racks.put(p, Set.copyOf(shuffled.subList(0, 1 + random.nextInt(2))));
            }
            topics.put(id, new TopicSpec(t.name(), t.numPartitions(), racks));
        });
        return new AssignmentSpec(members, topics);
    }
}
