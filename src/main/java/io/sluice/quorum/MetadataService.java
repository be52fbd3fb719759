package io.sluice.quorum;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.controller.Controller;

/**
 * The node's view of the replicated metadata log: the latest applied image, change callbacks, and
 * the controller that proposes new records. Single-node mode is a one-voter Apache Ratis group.
 * Implemented by {@link RatisMetadataService}, started with {@link RatisMetadataService#start(MetadataServiceConfig)}.
 */
public interface MetadataService extends AutoCloseable {
    MetadataImage image();

    /**
     * Subscribes a listener: it is first handed the current image (with previous = null), then every later image
     * in log order. Deliveries to one listener never overlap and never go back: each call's previous is the image
     * of the call before it, so a listener needs no first call of its own.
     */
    void addListener(MetadataListener listener);
    Controller controller();

    /** The node id of the active controller (the metadata quorum's leader), or -1 while none is known. */
    default int activeControllerId() {
        return -1;
    }

    /**
     * The controller id to tell clients (Metadata, DescribeCluster): the active controller when it is a live broker
     * clients can reach, else this node, which relays admin requests to the leader itself.
     */
    default int controllerIdForClients(int localNodeId) {
        int active = activeControllerId();
        BrokerImage broker = active < 0 ? null : image().brokers().get(active);
        return broker != null && !broker.fenced() ? active : localNodeId;
    }
    /**
     * The metadata quorum's state as the current leader knows it (a node that is not the leader asks it, and falls
     * back to what it knows itself when the leader cannot be reached).
     */
    default java.util.concurrent.CompletableFuture<QuorumDescription> describeQuorum() {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new UnsupportedOperationException("No metadata quorum to describe"));
    }

    @Override void close();
}
