package io.sluice.metadata;

import io.sluice.controller.Controller;

/**
 * The node's view of the replicated metadata log: the latest applied image, change callbacks, and
 * the controller that proposes new records. Single-node mode is a one-voter Apache Ratis group.
 * Implemented by {@link RatisMetadataService}, started with {@link RatisMetadataService#start(MetadataServiceConfig)}.
 */
public interface MetadataService extends AutoCloseable {
    MetadataImage image();
    void addListener(MetadataListener listener);
    Controller controller();
    @Override void close();
}
