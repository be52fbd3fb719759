package io.sluice.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;

/** Renders a metadata quorum description the way kafka-metadata-quorum.sh describe --status / --replication do. */
final class QuorumStatusFormatter {
    private QuorumStatusFormatter() {
    }

    /** One quorum member; endpoints as "NAME://host:port". */
    record Member(int id, long logEndOffset, OptionalLong lastFetchTimestamp, OptionalLong lastCaughtUpTimestamp,
                  List<String> endpoints) {
    }

    /** The quorum, independent of the Admin client's classes (whose constructors are not public). */
    record Quorum(int leaderId, long leaderEpoch, long highWatermark, List<Member> voters, List<Member> observers) {
        static Quorum of(QuorumInfo info) {
            return new Quorum(info.leaderId(), info.leaderEpoch(), info.highWatermark(), members(info, info.voters()),
                    members(info, info.observers()));
        }

        private static List<Member> members(QuorumInfo info, List<QuorumInfo.ReplicaState> states) {
            List<Member> members = new ArrayList<>(states.size());
            for (QuorumInfo.ReplicaState state : states) {
                QuorumInfo.Node node = info.nodes().get(state.replicaId());
                List<String> endpoints = node == null ? List.of() : node.endpoints().stream()
                        .map(QuorumStatusFormatter::endpoint).toList();
                members.add(new Member(state.replicaId(), state.logEndOffset(), state.lastFetchTimestamp(),
                        state.lastCaughtUpTimestamp(), endpoints));
            }
            return members;
        }
    }

    private static String endpoint(RaftVoterEndpoint endpoint) {
        return endpoint.name() + "://" + endpoint.host() + ":" + endpoint.port();
    }

    static String status(String clusterId, Quorum quorum) {
        Member leader = leader(quorum);
        Member maxLagFollower = everyone(quorum).stream().min(Comparator.comparingLong(Member::logEndOffset))
                .orElse(leader);
        long maxFollowerLag = leader == null || maxLagFollower == null ? -1
                : leader.logEndOffset() - maxLagFollower.logEndOffset();
        long maxFollowerLagTimeMs;
        if (leader == null || maxLagFollower == null) {
            maxFollowerLagTimeMs = -1;
        } else if (leader == maxLagFollower) {
            maxFollowerLagTimeMs = 0;
        } else if (leader.lastCaughtUpTimestamp().isPresent() && maxLagFollower.lastCaughtUpTimestamp().isPresent()) {
            maxFollowerLagTimeMs = leader.lastCaughtUpTimestamp().getAsLong()
                    - maxLagFollower.lastCaughtUpTimestamp().getAsLong();
        } else {
            maxFollowerLagTimeMs = -1;
        }
        return "ClusterId:              " + clusterId + "\n"
                + "LeaderId:               " + quorum.leaderId() + "\n"
                + "LeaderEpoch:            " + quorum.leaderEpoch() + "\n"
                + "HighWatermark:          " + quorum.highWatermark() + "\n"
                + "MaxFollowerLag:         " + maxFollowerLag + "\n"
                + "MaxFollowerLagTimeMs:   " + maxFollowerLagTimeMs + "\n"
                + "CurrentVoters:          " + members(quorum.voters(), true) + "\n"
                + "CurrentObservers:       " + members(quorum.observers(), false) + "\n";
    }

    static String replication(Quorum quorum) {
        Member leader = leader(quorum);
        long leaderEnd = leader == null ? -1 : leader.logEndOffset();
        TextTable table = new TextTable("NodeId", "LogEndOffset", "Lag", "LastFetchTimestamp", "LastCaughtUpTimestamp",
                "Status");
        List<Member> rows = new ArrayList<>();
        if (leader != null) {
            rows.add(leader);
        }
        quorum.voters().stream().filter(m -> m != leader).sorted(Comparator.comparingInt(Member::id)).forEach(rows::add);
        quorum.observers().stream().sorted(Comparator.comparingInt(Member::id)).forEach(rows::add);
        for (Member member : rows) {
            String status = member == leader ? "Leader" : quorum.voters().contains(member) ? "Follower" : "Observer";
            table.row(member.id(), member.logEndOffset(), leaderEnd < 0 ? -1 : leaderEnd - member.logEndOffset(),
                    timestamp(member.lastFetchTimestamp()), timestamp(member.lastCaughtUpTimestamp()), status);
        }
        return table.render();
    }

    private static long timestamp(OptionalLong value) {
        return value.isPresent() ? value.getAsLong() : -1;
    }

    private static Member leader(Quorum quorum) {
        return quorum.voters().stream().filter(m -> m.id() == quorum.leaderId()).findFirst().orElse(null);
    }

    private static List<Member> everyone(Quorum quorum) {
        List<Member> all = new ArrayList<>(quorum.voters());
        all.addAll(quorum.observers());
        return all;
    }

    private static String members(List<Member> members, boolean withEndpoints) {
        return members.stream().sorted(Comparator.comparingInt(Member::id)).map(m -> {
            String json = "{\"id\": " + m.id();
            if (withEndpoints && !m.endpoints().isEmpty()) {
                json += ", \"endpoints\": [" + m.endpoints().stream().map(e -> "\"" + e + "\"")
                        .collect(Collectors.joining(", ")) + "]";
            }
            return json + "}";
        }).collect(Collectors.joining(", ", "[", "]"));
    }
}
