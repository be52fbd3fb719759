package io.sluice.quorum;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/** The Ratis settings for the metadata quorum; the reasons are recorded in the design note "metadata-quorum-on-ratis". */
final class RaftSettings {
    static final TimeDuration REQUEST_TIMEOUT = TimeDuration.valueOf(3, TimeUnit.SECONDS);

    private RaftSettings() {
    }

    static RaftProperties server(Path storageDir, Path removedGroupsDir, String host, int port, boolean singleVoter,
                                 long snapshotThreshold) {
        RaftProperties props = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(props, List.of(storageDir.toFile()));
        RaftServerConfigKeys.setRemovedGroupsDir(props, removedGroupsDir.toFile());
        GrpcConfigKeys.Server.setHost(props, host);
        GrpcConfigKeys.Server.setPort(props, port);

        // 500-1000 ms avoids election churn on busy small hosts; a lone voter has no rival and may elect at once.
        RaftServerConfigKeys.Rpc.setTimeoutMin(props, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS));
        if (singleVoter) {
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(props, TimeDuration.valueOf(10, TimeUnit.MILLISECONDS));
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(props, TimeDuration.valueOf(20, TimeUnit.MILLISECONDS));
        }
        RaftServerConfigKeys.Rpc.setRequestTimeout(props, REQUEST_TIMEOUT);
        RaftServerConfigKeys.setStagingTimeout(props, TimeDuration.valueOf(30, TimeUnit.SECONDS));

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, snapshotThreshold);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
        // Purge only drops closed segments wholly below the snapshot, so small segments keep restarts short.
        RaftServerConfigKeys.Log.setSegmentSizeMax(props, SizeInBytes.valueOf("1MB"));
        RaftServerConfigKeys.Read.setOption(props, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        return props;
    }

    static RaftProperties client() {
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, REQUEST_TIMEOUT);
        return props;
    }

    /** Heartbeats are resent every second anyway, so one try with a short timeout is enough. */
    static RaftProperties heartbeatClient() {
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        return props;
    }

    /** Bounded: an unbounded policy retries for minutes against a dead division. */
    static RetryPolicy clientRetryPolicy() {
        return RetryPolicies.retryUpToMaximumCountWithFixedSleep(20, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS));
    }
}
