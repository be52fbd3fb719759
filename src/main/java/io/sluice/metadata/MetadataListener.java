package io.sluice.metadata;


/**
 * Told of every new image in log order, starting with the image current when it subscribed (previous = null), as
 * the quorum's {@code MetadataService.addListener} delivers them. Called on the apply thread (the first call on the
 * subscribing thread), never twice at once. Must not block.
 */
public interface MetadataListener {
    void onImage(MetadataImage previous, MetadataImage current);
}
