package io.sluice.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;

/** Opens an Admin client that is known to reach the broker, and waits on its futures. */
final class AdminCalls {
    private AdminCalls() {
    }

    /**
     * Creates an Admin client and makes one cheap call so an unreachable broker is reported as such
     * before any real work starts.
     *
     * @throws CommandFailedException with "cannot reach broker at ..." when the broker does not answer
     */
    static Admin connect(String bootstrap) {
        Admin admin;
        try {
            admin = Admin.create(ClientSettings.admin(bootstrap));
        } catch (KafkaException e) {
            // Typically an unresolvable host name in bootstrap.servers.
            throw CommandFailedException.unreachable(bootstrap, e.getCause() != null ? e.getCause() : e);
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ClientSettings.REACHABILITY_TIMEOUT_MS)).clusterId().get();
            return admin;
        } catch (ExecutionException e) {
            admin.close(Duration.ZERO);
            throw CommandFailedException.unreachable(bootstrap, e.getCause());
        } catch (InterruptedException e) {
            admin.close(Duration.ZERO);
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted", 130);
        }
    }

    /** Fails fast with "cannot reach broker at ..." unless the broker answers. */
    static void checkReachable(String bootstrap) {
        connect(bootstrap).close();
    }

    /** Waits for a future, turning its failure into the cause's own exception. */
    static <T> T await(KafkaFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new KafkaException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailedException("interrupted", 130);
        }
    }

    /** Waits for every future of a per-key result map. */
    static <K, T> void awaitAll(Map<K, KafkaFuture<T>> futures) {
        await(KafkaFuture.allOf(futures.values().toArray(new KafkaFuture<?>[0])));
    }
}
