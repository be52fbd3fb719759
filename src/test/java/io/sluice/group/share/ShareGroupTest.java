package io.sluice.group.share;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

class ShareGroupTest {
    private static final Uuid TOPIC = new Uuid(3, 4);

    private static ShareGroup groupOf(int members) {
        ShareGroup group = new ShareGroup("g");
        for (int i = 0; i < members; i++) {
            group.putMember(new ShareGroupMember("m" + i, null, "c", "h", List.of("t"), 0, Map.of()));
        }
        return group;
    }

    private static Map<String, Map.Entry<Uuid, Integer>> topic(int partitions) {
        return Map.of("t", new AbstractMap.SimpleImmutableEntry<>(TOPIC, partitions));
    }

    @Test
    void fewerMembersThanPartitionsGetEachPartitionOnceBetweenThem() {
        ShareGroup group = groupOf(2);
        group.reassign(topic(5));
        Set<Integer> seen = new HashSet<>();
        int total = 0;
        for (ShareGroupMember member : group.members()) {
            Set<Integer> partitions = group.targetOf(member.memberId()).get(TOPIC);
            total += partitions.size();
            seen.addAll(partitions);
            assertThat(partitions.size()).isBetween(2, 3);
        }
        assertThat(total).isEqualTo(5);
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        assertThat(group.groupEpoch()).isEqualTo(1);
    }

    @Test
    void moreMembersThanPartitionsShareThemSoThatEveryMemberHasOne() {
        ShareGroup group = groupOf(5);
        group.reassign(topic(2));
        Map<Integer, Integer> owners = new HashMap<>();
        for (ShareGroupMember member : group.members()) {
            Set<Integer> partitions = group.targetOf(member.memberId()).get(TOPIC);
            assertThat(partitions).hasSize(1);
            owners.merge(partitions.iterator().next(), 1, Integer::sum);
        }
        assertThat(owners).containsOnlyKeys(0, 1);
    }

    @Test
    void membersOfTopicsThatDoNotExistGetNothing() {
        ShareGroup group = groupOf(1);
        group.reassign(Map.of());
        assertThat(group.targetOf("m0")).isEmpty();
        assertThat(group.state()).isEqualTo(ShareGroup.State.STABLE);
        group.removeMember("m0");
        assertThat(group.state()).isEqualTo(ShareGroup.State.EMPTY);
    }
}
