package io.sluice.metadata;

/** Told, on the apply thread and in log order, of every new image. Must not block. */
public interface MetadataListener {
    void onImage(MetadataImage previous, MetadataImage current);
}
