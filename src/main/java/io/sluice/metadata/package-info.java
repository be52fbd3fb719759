/**
 * The cluster metadata model, at the bottom of the layers: the records of the metadata log
 * ({@link io.sluice.metadata.MetadataRecord}, {@link io.sluice.metadata.MetadataRecordCodec}), the immutable
 * image they build ({@link io.sluice.metadata.MetadataImage} with its brokers, topics and partitions),
 * {@link io.sluice.metadata.MetadataDelta} applying a batch with its expectations checked, and the snapshot format.
 * It depends on nothing else of Sluice's; the controller decides on it and the quorum hosts it.
 *
 * <p>Threading: images and records are immutable; a delta is used by one thread.
 */
package io.sluice.metadata;
