package io.sluice.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.QuorumInfo;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice metadata-quorum describe}: the metadata quorum's status or replication, like kafka-metadata-quorum.sh. */
@Command(name = "metadata-quorum", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Describe the metadata quorum.", subcommands = MetadataQuorumCommand.Describe.class)
final class MetadataQuorumCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return SluiceCommand.EXIT_OK;
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Describe the quorum: leader, epoch, high watermark and members (--status), "
                    + "or each member's replication progress (--replication).")
    static final class Describe implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private BootstrapOption bootstrap;

        @ArgGroup(exclusive = true, multiplicity = "1", heading = "What to show (exactly one):%n")
        private What what;

        static final class What {
            @Option(names = "--status", description = "Leader, epoch, high watermark, lag and members.") boolean status;
            @Option(names = "--replication", description = "Each member's log end offset and lag.") boolean replication;
        }

        @Override
        public Integer call() {
            try (Admin admin = AdminCalls.connect(bootstrap.servers())) {
                PrintWriter out = spec.commandLine().getOut();
                QuorumInfo info = AdminCalls.await(admin.describeMetadataQuorum().quorumInfo());
                QuorumStatusFormatter.Quorum quorum = QuorumStatusFormatter.Quorum.of(info);
                if (what.status) {
                    String clusterId = AdminCalls.await(admin.describeCluster().clusterId());
                    out.print(QuorumStatusFormatter.status(clusterId, quorum));
                } else {
                    out.print(QuorumStatusFormatter.replication(quorum));
                }
                out.flush();
            }
            return SluiceCommand.EXIT_OK;
        }
    }
}
