package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.cli.QuorumStatusFormatter.Member;
import io.sluice.cli.QuorumStatusFormatter.Quorum;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class QuorumStatusFormatterTest {
    private static final Quorum QUORUM = new Quorum(2, 5, 120, List.of(
            new Member(1, 117, OptionalLong.of(9_000), OptionalLong.of(8_000), List.of("CONTROLLER://h1:9101")),
            new Member(2, 121, OptionalLong.empty(), OptionalLong.of(10_000), List.of("CONTROLLER://h2:9102")),
            new Member(3, 121, OptionalLong.of(9_900), OptionalLong.of(9_900), List.of())),
            List.of(new Member(4, 119, OptionalLong.of(9_950), OptionalLong.empty(), List.of())));

    @Test
    void statusMirrorsKafkaMetadataQuorumFields() {
        assertThat(QuorumStatusFormatter.status("abc", QUORUM)).isEqualTo(
                "ClusterId:              abc\n"
                + "LeaderId:               2\n"
                + "LeaderEpoch:            5\n"
                + "HighWatermark:          120\n"
                + "MaxFollowerLag:         4\n"
                + "MaxFollowerLagTimeMs:   2000\n"
                + "CurrentVoters:          [{\"id\": 1, \"endpoints\": [\"CONTROLLER://h1:9101\"]}, "
                + "{\"id\": 2, \"endpoints\": [\"CONTROLLER://h2:9102\"]}, {\"id\": 3}]\n"
                + "CurrentObservers:       [{\"id\": 4}]\n");
    }

    @Test
    void replicationListsTheLeaderFirstThenFollowersAndObservers() {
        assertThat(QuorumStatusFormatter.replication(QUORUM)).isEqualTo(
                "NodeId LogEndOffset Lag LastFetchTimestamp LastCaughtUpTimestamp Status\n"
                + "2      121          0   -1                 10000                 Leader\n"
                + "1      117          4   9000               8000                  Follower\n"
                + "3      121          0   9900               9900                  Follower\n"
                + "4      119          2   9950               -1                    Observer\n");
    }

    @Test
    void aQuorumWithoutAKnownLeaderReportsUnknownLag() {
        Quorum leaderless = new Quorum(-1, 5, 120, QUORUM.voters(), List.of());

        assertThat(QuorumStatusFormatter.status("abc", leaderless)).contains("MaxFollowerLag:         -1\n")
                .contains("MaxFollowerLagTimeMs:   -1\n");
    }
}
